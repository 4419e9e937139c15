import java.util.List;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public class ItemForwarder {

    private final WebClient webClient = WebClient.create("http://consumer-service");

    public Mono<Void> forward(List<String> items) {
        return Flux.fromIterable(items)
            // flatMap asks upstream for 8 items, starts one POST per item,
            // and asks for another only when a POST completes.
            .flatMap(item -> webClient.post()
                    .uri("/items")
                    .bodyValue(item)
                    .retrieve()
                    .bodyToMono(Void.class),
                8)  // concurrency: at most 8 calls in flight
            .then();  // completes when every item has been sent
    }
}
