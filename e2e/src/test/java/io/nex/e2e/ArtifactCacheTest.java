package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nex.node.workload.Artifact;
import io.nex.node.workload.ArtifactCache;
import io.nex.node.workload.ArtifactException;
import io.nex.node.workload.ArtifactLocation;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's artifact cache against a real object store: it keeps a bucket's store handle from
 * one deploy to the next, and what it hands out must still be what the bucket holds now.
 */
class ArtifactCacheTest {
  @TempDir Path dir;

  @Test
  void aBucketMadeAgainIsReadAsItIsNowNotAsTheKeptHandleKnewIt() throws Exception {
    Path first = Files.writeString(dir.resolve("first.js"), "(subject, payload) => 1");
    Path second = Files.writeString(dir.resolve("second.js"), "(subject, payload) => 2");
    try (ControlPlaneServer server = ControlPlaneServer.start(dir.resolve("server"));
        Connection nc = Nats.connect(server.url())) {
      DeployClient client = new DeployClient(nc);
      ArtifactCache cache = new ArtifactCache(nc, dir.resolve("cache"));
      ArtifactLocation location = ArtifactLocation.parse(client.upload("fn", first));

      Artifact fetched = cache.fetch(location, null, 0);
      assertThat(fetched.sha256()).isEqualTo(DeployClient.sha256(first));
      assertThat(cache.fetch(location, null, 0).file()).isEqualTo(fetched.file());

      nc.objectStoreManagement().delete(DeployClient.BUCKET);
      assertThatThrownBy(() -> cache.fetch(location, null, 0)).isInstanceOf(ArtifactException.class)
          .hasMessageContaining(location.toString());
      client.upload("fn", second);
      assertThat(cache.fetch(location, null, 0).sha256()).isEqualTo(DeployClient.sha256(second));
      assertThatThrownBy(() -> cache.fetch(ArtifactLocation.parse("nats://" + DeployClient.BUCKET + "/none"), null, 0))
          .isInstanceOf(ArtifactException.class).hasMessageContaining("does not exist");
    }
  }

  @Test
  void anArtifactTheNodeHasIsConfirmedFromTheBucketsWatchWithoutALookupAndItsChangesAreSeen() throws Exception {
    Path first = Files.writeString(dir.resolve("first.js"), "(subject, payload) => 1");
    Path second = Files.writeString(dir.resolve("second.js"), "(subject, payload) => 2");
    try (ControlPlaneServer server = ControlPlaneServer.start(dir.resolve("server"));
        Connection nc = Nats.connect(server.url());
        Connection spy = Nats.connect(server.url());
        ArtifactCache cache = new ArtifactCache(nc, dir.resolve("cache"))) {
      DeployClient client = new DeployClient(nc);
      ArtifactLocation location = ArtifactLocation.parse(client.upload("fn", first));
      String sha = DeployClient.sha256(first);
      assertThat(cache.fetch(location, null, 0).sha256()).isEqualTo(sha); // looked up: the bucket is watched from now on
      List<String> apiRequests = new CopyOnWriteArrayList<>();
      spy.createDispatcher(msg -> apiRequests.add(msg.getSubject())).subscribe("$JS.API.>");
      spy.flush(Duration.ofSeconds(2));

      await().untilAsserted(() -> {
        apiRequests.clear();
        assertThat(cache.currentSha256(location, null, 0, sha)).isEqualTo(sha);
        spy.flush(Duration.ofSeconds(2));
        assertThat(apiRequests).as("confirmed from the watch").isEmpty();
      });
      assertThatThrownBy(() -> cache.currentSha256(location, null, 10, sha)).isInstanceOf(ArtifactException.class)
          .hasMessageContaining("over this node's limit of 10");

      client.upload("fn", second);
      await().untilAsserted(() -> assertThat(cache.currentSha256(location, null, 0, sha))
          .as("replaced under the same name").isEqualTo(DeployClient.sha256(second)));
      nc.objectStore(DeployClient.BUCKET).delete("fn");
      await().untilAsserted(() -> assertThatThrownBy(() -> cache.currentSha256(location, null, 0, sha))
          .isInstanceOf(ArtifactException.class).hasMessageContaining("does not exist"));
    }
  }
}
