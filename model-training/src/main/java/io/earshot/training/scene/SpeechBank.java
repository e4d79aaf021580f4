package io.earshot.training.scene;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speech for scenes: utterances spoken by Debian's espeak-ng with random voices, rates and pitches,
 * synthesised once per generator run and reused. When espeak-ng is not installed the bank falls
 * back to a formant babble (voiced pulses through vowel-like resonances with a syllable rhythm) and
 * says so once, so generation still works on a bare machine.
 */
public final class SpeechBank {

  private static final Logger LOG = LoggerFactory.getLogger(SpeechBank.class);
  private static final String[] WORDS = {
    "left", "right", "hello", "listen", "closer", "whisper", "gentle", "rain", "paper", "morning",
    "station", "signal", "channel", "quiet", "bright", "over", "here", "there", "window", "camera",
    "seven", "twelve", "yellow", "blue", "table", "music", "story", "river", "garden", "moment"
  };
  private static final String[] VOICES = {"en", "en-us", "en+f3", "en+m3", "en+f2", "en-gb"};

  private final double sampleRate;
  private final List<float[]> utterances = new ArrayList<>();
  private final boolean espeak;

  private SpeechBank(double sampleRate, boolean espeak) {
    this.sampleRate = sampleRate;
    this.espeak = espeak;
  }

  /** Synthesises {@code count} utterances (espeak-ng when available). */
  public static SpeechBank create(double sampleRate, int count, long seed) {
    Random random = new Random(seed);
    SpeechBank bank = new SpeechBank(sampleRate, espeakAvailable());
    if (!bank.espeak) {
      LOG.warn(
          "espeak-ng not found: speech sources use a formant babble instead of real speech"
              + " (apt-get install espeak-ng for real speech)");
    }
    for (int i = 0; i < count; i++) {
      float[] u = bank.espeak ? bank.speak(random) : null;
      bank.utterances.add(
          u != null ? u : babble(random, sampleRate, 2.5 + random.nextDouble() * 2));
    }
    return bank;
  }

  public boolean usesEspeak() {
    return espeak;
  }

  /** Speech of the given length, stitched from the bank's utterances with short pauses. */
  public float[] speech(int samples, Random random) {
    float[] out = new float[samples];
    int pos = (int) (random.nextDouble() * sampleRate * 0.3);
    while (pos < samples) {
      float[] u = utterances.get(random.nextInt(utterances.size()));
      int n = Math.min(u.length, samples - pos);
      System.arraycopy(u, 0, out, pos, n);
      pos += n + (int) (sampleRate * (0.15 + random.nextDouble() * 0.5));
    }
    return out;
  }

  private static boolean espeakAvailable() {
    try {
      Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private float[] speak(Random random) {
    StringBuilder text = new StringBuilder();
    int words = 4 + random.nextInt(6);
    for (int w = 0; w < words; w++) {
      text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
    }
    Path wav = null;
    try {
      wav = Files.createTempFile("earshot-speech-", ".wav");
      Process p =
          new ProcessBuilder(
                  "espeak-ng",
                  "-v",
                  VOICES[random.nextInt(VOICES.length)],
                  "-s",
                  String.valueOf(130 + random.nextInt(60)),
                  "-p",
                  String.valueOf(30 + random.nextInt(40)),
                  "-w",
                  wav.toString(),
                  text.toString().trim())
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return readWav(wav.toFile(), sampleRate);
    } catch (IOException | UnsupportedAudioFileException e) {
      LOG.debug("espeak-ng failed: {}", e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (wav != null) {
        try {
          Files.deleteIfExists(wav);
        } catch (IOException ignored) {
          // temp file
        }
      }
    }
  }

  static float[] readWav(File file, double targetRate)
      throws IOException, UnsupportedAudioFileException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(file)) {
      AudioFormat f = in.getFormat();
      byte[] bytes = in.readAllBytes();
      int channels = f.getChannels();
      int frames = bytes.length / (2 * channels);
      ByteBuffer buf =
          ByteBuffer.wrap(bytes)
              .order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      float[] mono = new float[frames];
      for (int i = 0; i < frames; i++) {
        mono[i] = buf.getShort(i * 2 * channels) / 32768f;
      }
      return Dsp.resample(mono, f.getSampleRate(), targetRate);
    }
  }

  /** Voiced pulse trains through two vowel formants, in syllables of 120-250 ms. */
  static float[] babble(Random random, double rate, double seconds) {
    int n = (int) (seconds * rate);
    float[] out = new float[n];
    double f0 = 100 + random.nextDouble() * 120;
    double phase = 0;
    int pos = 0;
    while (pos < n) {
      int syllable = (int) ((0.12 + random.nextDouble() * 0.13) * rate);
      double f1 = 300 + random.nextDouble() * 500;
      double f2 = 900 + random.nextDouble() * 1400;
      for (int i = 0; i < syllable && pos + i < n; i++) {
        double env = Math.sin(Math.PI * i / syllable);
        phase += f0 * (1 + 0.05 * Math.sin(i / rate * 30)) / rate;
        double pulse = (phase % 1.0) < 0.08 ? 1 : 0;
        double t = i / rate;
        out[pos + i] =
            (float)
                (env
                    * (0.4 * pulse
                        + 0.3 * Math.sin(2 * Math.PI * f1 * t) * pulse
                        + 0.2 * Math.sin(2 * Math.PI * f2 * t)
                        + 0.05 * (random.nextDouble() - 0.5)));
      }
      pos += syllable + (int) (random.nextDouble() * 0.08 * rate);
    }
    return Dsp.normalize(out, 0.5f);
  }
}
