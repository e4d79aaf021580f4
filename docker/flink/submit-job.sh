#!/usr/bin/env bash
# One-shot client: submits the SpatialInferenceJob to the session cluster, unless it runs already.
# Its arguments go to the job (JobConfig options: --bootstrap-servers, --registry-url, --model, ...).
#   EARSHOT_JOBMANAGER        JobManager REST address (default jobmanager:8081)
#   EARSHOT_JOB_PARALLELISM   job parallelism; with the adaptive scheduler, the most slots it uses (default 4)
#   EARSHOT_FROM_SAVEPOINT    start from this savepoint/checkpoint path (e.g. after a stop --savepointPath)
set -euo pipefail
jm="${EARSHOT_JOBMANAGER:-jobmanager:8081}"
name=earshot-spatial-inference
entry=io.earshot.flink.inference.SpatialInferenceJob

# Wait for the JobManager and for at least one TaskManager slot.
for i in $(seq 1 120); do
  slots=$(curl -fsS "http://$jm/overview" 2>/dev/null | sed -n 's/.*"slots-total":\([0-9]*\).*/\1/p')
  [ "${slots:-0}" -gt 0 ] && break
  [ "$i" = 120 ] && { echo "no TaskManager slot on $jm after 240 s" >&2; exit 1; }
  sleep 2
done

if flink list -m "$jm" -r 2>/dev/null | grep -q ": $name (RUNNING)"; then
  echo "$name is already running on $jm: nothing to submit"
  exit 0
fi

from=()
if [ -n "${EARSHOT_FROM_SAVEPOINT:-}" ]; then
  from=(-s "$EARSHOT_FROM_SAVEPOINT")
fi
echo "submitting $name ($entry) to $jm with parallelism ${EARSHOT_JOB_PARALLELISM:-4}: $*"
exec flink run -d -m "$jm" -p "${EARSHOT_JOB_PARALLELISM:-4}" "${from[@]}" \
  -c "$entry" "${EARSHOT_JOB_JAR:-/opt/flink/usrlib/earshot-job.jar}" "$@"
