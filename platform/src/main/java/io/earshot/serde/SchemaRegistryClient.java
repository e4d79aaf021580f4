package io.earshot.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API (v7), which Confluent's server speaks and
 * Apicurio Registry serves under {@code /apis/ccompat/v7}. Only the calls Earshot needs: register,
 * look up by id, set and test compatibility. Ids and schemas are cached, so steady-state
 * serialization never calls the registry.
 *
 * <p>Written against the REST contract rather than a vendor library so that a deployment can point
 * at either registry: Confluent's client is not on Maven Central, and Apicurio's serdes use
 * Apicurio's own API.
 */
public final class SchemaRegistryClient {

  /** Compatibility levels of the Confluent API. */
  public enum Compatibility {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE
  }

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  /**
   * @param baseUrl e.g. {@code http://127.0.0.1:8081} (Confluent) or {@code
   *     http://127.0.0.1:8080/apis/ccompat/v7} (Apicurio)
   */
  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, Duration.ofSeconds(10));
  }

  public SchemaRegistryClient(String baseUrl, Duration timeout) {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException("schema.registry.url must be set");
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** Registers the schema under the subject (idempotent) and returns its global id. */
  public int register(String subject, Schema schema) {
    String key = subject + '\n' + schema.toString();
    Integer cached = idsBySubjectAndSchema.get(key);
    if (cached != null) {
      return cached;
    }
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode response = call("POST", "/subjects/" + encode(subject) + "/versions", body);
    int id = response.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException(
          "registry at " + baseUrl + " returned no schema id for subject " + subject, -1, -1, null);
    }
    idsBySubjectAndSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  /** Returns the schema with this global id. */
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode response = call("GET", "/schemas/ids/" + id, null);
    String text = response.path("schema").asText(null);
    if (text == null) {
      throw new SchemaRegistryException(
          "registry at " + baseUrl + " has no schema with id " + id, 404, 40403, null);
    }
    Schema schema = new Schema.Parser().parse(text);
    schemasById.put(id, schema);
    return schema;
  }

  /** Checks that the registry answers; throws {@link SchemaRegistryException} otherwise. */
  public void ping() {
    call("GET", "/subjects", null);
  }

  /** Sets the registry-wide default compatibility level. */
  public void setGlobalCompatibility(Compatibility level) {
    call("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()));
  }

  /** Sets the compatibility level of one subject. */
  public void setCompatibility(String subject, Compatibility level) {
    call(
        "PUT",
        "/config/" + encode(subject),
        JSON.createObjectNode().put("compatibility", level.name()));
  }

  /** Asks whether the schema could be registered as the next version of the subject. */
  public boolean isCompatible(String subject, Schema schema) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode response =
        call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", body);
    return response.path("is_compatible").asBoolean(false);
  }

  private JsonNode call(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", CONTENT_TYPE + ", application/json");
    try {
      if (body != null) {
        request
            .header("Content-Type", CONTENT_TYPE)
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : parse(response.body());
      if (response.statusCode() / 100 != 2) {
        int errorCode = json.path("error_code").asInt(-1);
        String message = json.path("message").asText(response.body());
        throw new SchemaRegistryException(
            String.format(
                "schema registry %s %s%s failed with HTTP %d: %s",
                method, baseUrl, path, response.statusCode(), message),
            response.statusCode(),
            errorCode,
            null);
      }
      return json;
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "cannot reach the schema registry at "
              + baseUrl
              + " ("
              + e
              + "); is it running? (./earshot stack starts one)",
          -1,
          -1,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted calling " + baseUrl, -1, -1, e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("message", body);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
