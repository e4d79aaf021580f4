package io.earshot.streams.monitor;

import static io.earshot.streams.monitor.MonitorRecordsSupplier.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.earshot.domain.Topics;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator page in a real headless Chromium against a monitor on a real broker. */
@ExtendWith(SharedStack.class)
class OperatorPageIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  private static byte[] jpeg() throws Exception {
    BufferedImage img = new BufferedImage(320, 180, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(30, 40, 60));
    g.fillRect(0, 0, 320, 180);
    g.setColor(Color.ORANGE);
    g.fillOval(220, 70, 40, 40); // the "sound source", at x = 0.75
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }

  @Test
  void shouldShowEveryStreamWithItsStateAndTheSourcePositionWhenOpenedInChromium(LocalStack stack)
      throws Exception {
    Chromium.binary(); // fail early and clearly when it is missing
    String ok = "op-ok-" + RUN;
    String flipped = "op-flipped-" + RUN;
    String silent = "op-silent-" + RUN;
    Path stateDir = Files.createTempDirectory("fm-op");
    try (MonitorTestClient client = new MonitorTestClient(stack);
        FlipMonitor monitor =
            FlipMonitor.start(
                FlipMonitorConfig.from(
                    MonitorTestClient.options(
                        stack, "flip-monitor-op-" + RUN, stateDir.toString(), Map.of())))) {
      assertThat(monitor.awaitRunning(PATIENCE)).isTrue();
      long now = System.currentTimeMillis();
      for (int clip = 0; clip < 12; clip++) {
        client.send(Topics.PREDICTIONS, ok, prediction(ok, clip, 0.04 + clip % 3 * 0.03, now));
        client.send(
            Topics.PREDICTIONS,
            flipped,
            prediction(flipped, clip, clip < 4 ? 0.05 : 0.93 + clip % 2 * 0.04, now));
        client.send(
            Topics.PREDICTIONS, silent, prediction(silent, clip, clip < 4 ? 0.1 : null, now));
      }
      client.send(Topics.VIDEO_FRAMES, flipped, MonitorRecordsSupplier.frame(flipped, 0, jpeg()));
      client.send(Topics.TRACKS, flipped, MonitorRecordsSupplier.track(flipped, 11, 0.75));
      await()
          .atMost(PATIENCE)
          .ignoreExceptions()
          .until(
              () ->
                  client.json(monitor.url() + "api/streams/" + flipped).path("frame").asBoolean()
                      && client
                          .json(monitor.url() + "api/streams/" + silent)
                          .path("state")
                          .asText()
                          .equals("NO_SIGNAL")
                      && client
                          .json(monitor.url() + "api/streams/" + flipped)
                          .path("state")
                          .asText()
                          .equals("FLIPPED"));

      // The fleet list
      String fleet = Chromium.dumpDom(monitor.url(), 5000);
      assertThat(fleet).contains("data-loaded=\"true\"");
      assertThat(row(fleet, ok)).contains("data-state=\"OK\"");
      assertThat(row(fleet, flipped)).contains("data-state=\"FLIPPED\"").contains("<polyline");
      assertThat(row(fleet, silent)).contains("data-state=\"NO_SIGNAL\"");
      // The stack is shared with other integration tests of this JVM (the inference job's streams
      // are on av.predictions too), so the summary counts at least this test's three streams.
      java.util.regex.Matcher summary =
          java.util.regex.Pattern.compile("(\\d+) streams · [^<]*(\\d+) OK").matcher(fleet);
      assertThat(summary.find()).as("fleet summary line").isTrue();
      assertThat(Integer.parseInt(summary.group(1))).isGreaterThanOrEqualTo(3);
      assertThat(Integer.parseInt(summary.group(2))).isGreaterThanOrEqualTo(1);

      // The detail of the flipped stream: history, frame and the source marker at x = 0.75
      String detailUrl = monitor.url() + "#stream=" + flipped;
      String detail = Chromium.dumpDom(detailUrl, 5000);
      assertThat(detail)
          .containsPattern("id=\"detail-state\" class=\"state FLIPPED\"")
          .containsPattern("<img id=\"frame\"[^>]*src=\"api/streams/" + flipped + "/frame")
          .contains("data-x=\"0.750\"")
          .contains("left: 75%");
      assertThat(
              client
                  .get(monitor.url() + "api/streams/" + flipped + "/frame")
                  .headers()
                  .firstValue("Content-Type"))
          .hasValue("image/jpeg");

      Path png = Path.of("target", "operator-page.png");
      Chromium.screenshot(detailUrl, png, 5000);
      BufferedImage shot = ImageIO.read(png.toFile());
      assertThat(shot.getWidth()).isEqualTo(1280);
      assertThat(shot.getHeight()).isEqualTo(800);
    }
  }

  /** The table row of a stream, from its opening tag to its end. */
  private static String row(String dom, String stream) {
    Matcher m =
        Pattern.compile("<tr data-stream=\"" + Pattern.quote(stream) + "\".*?</tr>", Pattern.DOTALL)
            .matcher(dom);
    assertThat(m.find()).as("row of " + stream + " in the page").isTrue();
    return m.group();
  }
}
