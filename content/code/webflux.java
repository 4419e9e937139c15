import java.time.Duration;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
public class ItemController {

    @GetMapping("/items")
    public Mono<List<String>> listItems() {
        // Returns at once: a Mono is a promise of one value. A timer fires
        // 1 s later and the list flows out; no thread waits in between.
        return Mono.delay(Duration.ofSeconds(1))
                   .map(tick -> List.of("Item1", "Item2", "Item3"));
    }
}
