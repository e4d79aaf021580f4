/** Earshot model training: scene generator, dataset, network, training, export (to come). */
package io.earshot.training;
