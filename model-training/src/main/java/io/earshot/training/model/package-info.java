/**
 * The spatial alignment network ("Telling Left from Right", section 4), its training step and its
 * SavedModel export.
 */
package io.earshot.training.model;
