#!/usr/bin/env bash
# One-shot: creates (or updates) one MediaSourceConnector on the Connect worker, one connector
# per stream. Does nothing when EARSHOT_MEDIA_INPUT is empty.
#   EARSHOT_MEDIA_INPUT     file under /media (mounted from docker/media) or a URL (rtsp://, srt://, https://...)
#   EARSHOT_STREAM_ID       stream id, also the connector's name (default stream-1)
#   EARSHOT_MEDIA_REALTIME  true paces a file like a live source (default true)
#   EARSHOT_REGISTRY_URL    schema registry, Confluent API
#   CONNECT_URL             the worker's REST API (default http://ingest-connector:8083)
set -euo pipefail
connect="${CONNECT_URL:-http://ingest-connector:8083}"
input="${EARSHOT_MEDIA_INPUT:-}"
stream="${EARSHOT_STREAM_ID:-stream-1}"
if [ -z "$input" ]; then
  echo "EARSHOT_MEDIA_INPUT is empty: no connector registered. Set it (a file under docker/media"
  echo "as /media/NAME, or a live URL) and run: docker compose -f docker/compose.yaml run --rm ingest-register"
  exit 0
fi
for _ in $(seq 1 90); do
  curl -fsS "$connect/connectors" >/dev/null 2>&1 && break
  sleep 2
done
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
config=$(cat <<JSON
{
  "connector.class": "io.earshot.connectors.connect.MediaSourceConnector",
  "tasks.max": "1",
  "key.converter": "org.apache.kafka.connect.storage.StringConverter",
  "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
  "media.input": "$(json_escape "$input")",
  "stream.id": "$(json_escape "$stream")",
  "schema.registry.url": "$(json_escape "${EARSHOT_REGISTRY_URL:-http://schema-registry:8080/apis/ccompat/v7}")",
  "realtime": "${EARSHOT_MEDIA_REALTIME:-true}"
}
JSON
)
# The response repeats the config, media.input included (it may carry credentials): not printed.
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' --data "$config" \
  "$connect/connectors/$(printf '%s' "$stream" | sed 's/[^A-Za-z0-9._-]/_/g')/config"
echo "connector for stream '$stream' registered on $connect"
