import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ItemController {

    @GetMapping("/items")
    public List<String> listItems() throws InterruptedException {
        Thread.sleep(1000);  // a slow call: this request's thread waits 1 s
        return List.of("Item1", "Item2", "Item3");
    }
}
