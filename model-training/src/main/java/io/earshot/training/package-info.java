/**
 * Earshot model training: the network and its TensorFlow foundation ({@code tf}, {@code model});
 * scene generator, dataset and training CLI to come.
 */
package io.earshot.training;
