/**
 * TensorFlow Java building blocks: the in-graph audio front end and frame normalisation, the
 * scheduled momentum optimiser, and tensor helpers.
 */
package io.earshot.training.tf;
