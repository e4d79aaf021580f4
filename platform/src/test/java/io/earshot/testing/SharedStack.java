package io.earshot.testing;

import io.earshot.stack.LocalStack;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests one real local stack (KRaft broker + schema registry process) per
 * test JVM, started on first use and stopped when JUnit finishes. Starting it costs seconds, so
 * integration tests share it and isolate themselves by stream id, group id or topic instead.
 *
 * <p>Use: {@code @ExtendWith(SharedStack.class)} and a {@link LocalStack} parameter on a test or
 * {@code @BeforeAll} method.
 */
public final class SharedStack implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return get(context);
  }

  /** Returns the JVM-wide stack, starting it if needed. */
  public static LocalStack get(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            SharedStack.class.getName(), k -> new Holder(LocalStack.startEphemeral()), Holder.class)
        .stack;
  }

  private record Holder(LocalStack stack) implements AutoCloseable {
    @Override
    public void close() {
      stack.close();
    }
  }
}
