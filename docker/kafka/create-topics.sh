#!/bin/bash
# One-shot: creates Earshot's topics with the settings of core's Topics (the same as
# platform's TopicAdmin does for the local stack). DockerTopicsTest keeps the lines below equal
# to Topics.all(): name, partitions, cleanup.policy, retention.ms, max.message.bytes.
#   BOOTSTRAP_SERVERS    default kafka:9092
#   REPLICATION_FACTOR   default 1 (one broker); 3 on a real cluster
set -euo pipefail
bootstrap="${BOOTSTRAP_SERVERS:-kafka:9092}"
rf="${REPLICATION_FACTOR:-1}"

create() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor "$rf" \
    --config cleanup.policy="$3" --config retention.ms="$4" --config max.message.bytes="$5" \
    --config message.timestamp.type=CreateTime
}

#      name               partitions cleanup retention.ms max.message.bytes
create av.video.frames    6 delete  21600000   1048588
create av.audio.windows   6 delete  21600000   1048588
create av.streams         3 compact -1         1048588
create av.predictions     6 delete  604800000  1048588
create av.tracks          6 delete  604800000  1048588
create av.alerts          3 delete  2592000000 1048588
create av.models          1 compact -1         1048588
create av.audio.corrected 6 delete  21600000   1048588
create av.deadletter      3 delete  2592000000 1048588

/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --list
