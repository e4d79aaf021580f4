package io.earshot.training.model;

import org.tensorflow.Operand;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One batch normalisation of the training branch: the moving mean and variance the inference branch
 * normalises with, and the mean and (Bessel-corrected) variance of the batch the training branch
 * normalised with, which the moving ones follow.
 */
public record BatchStatistics(
    Variable<TFloat32> movingMean,
    Variable<TFloat32> movingVariance,
    Operand<TFloat32> batchMean,
    Operand<TFloat32> batchVariance) {}
