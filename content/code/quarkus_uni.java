import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.util.List;

@Path("/items")
public class ItemResource {

    @GET
    public Uni<List<String>> listItems() {
        // A Uni describes one future item, delivered 1 s later once Quarkus
        // subscribes, without holding the I/O thread while it waits.
        return Uni.createFrom().item(List.of("Item1", "Item2", "Item3"))
                  .onItem().delayIt().by(Duration.ofSeconds(1));
    }
}
