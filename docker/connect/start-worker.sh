#!/usr/bin/env bash
# Starts the Kafka Connect worker of the ingest connector with the Prometheus JMX exporter on 9404
# (rules: ops/prometheus/jmx/connect-worker.yml, the metric names of the media-ingest alerts).
#   EARSHOT_BOOTSTRAP_SERVERS   Kafka (default kafka:9092)
#   CONNECT_REPLICATION_FACTOR  replication of the worker's internal topics (default 1)
set -euo pipefail
conf=/tmp/connect-distributed.properties
rf="${CONNECT_REPLICATION_FACTOR:-1}"
sed -e "s/^\(config\|offset\|status\)\.storage\.replication\.factor=.*/\1.storage.replication.factor=${rf}/" \
  /opt/earshot/connect/connect-distributed.properties >"$conf"
{
  echo "bootstrap.servers=${EARSHOT_BOOTSTRAP_SERVERS:-kafka:9092}"
  # Workers forward requests to each other: advertise this container's address.
  echo "rest.advertised.host.name=$(hostname -i | awk '{print $1}')"
  echo "rest.advertised.port=8083"
} >>"$conf"
export KAFKA_OPTS="-javaagent:/opt/earshot/jmx/jmx_prometheus_javaagent.jar=9404:/opt/earshot/jmx/connect-worker.yml ${KAFKA_OPTS:-}"
exec /opt/kafka/bin/connect-distributed.sh "$conf"
