import java.time.Duration;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
public class ItemController {

    @GetMapping("/items")
    public Mono<List<String>> listItems() {
        // Returns at once: a Mono describes one future value. Once the framework
        // subscribes, a timer fires 1 s later and the list flows out; no thread waits.
        return Mono.delay(Duration.ofSeconds(1))
                   .map(tick -> List.of("Item1", "Item2", "Item3"));
    }
}
