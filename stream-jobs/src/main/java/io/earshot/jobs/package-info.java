/** Earshot stream jobs: the Flink inference job and the Kafka Streams monitor (to come). */
package io.earshot.jobs;
