import java.util.List;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

@Path("/items")
public class ItemResource {

    @GET
    public List<String> listItems() throws InterruptedException {
        Thread.sleep(1000);  // the container's worker thread is held for 1 s
        return List.of("Item1", "Item2", "Item3");
    }
}
