package io.earshot.training.tf;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.op.Ops;

/**
 * Hands out one {@link Ops} per slash-separated scope path under a root, creating each sub-scope
 * only once.
 *
 * <p>TF Java makes sub-scope names unique: asking the same parent twice for {@code
 * withSubScope("visual")} yields {@code visual} and then {@code visual_1}. Code that reaches one
 * layer's scope from several places (variables, two graph branches, optimiser slots) goes through a
 * tree so that names stay stable and readable.
 */
public final class ScopeTree {

  private final Ops root;
  private final Map<String, Ops> scopes = new HashMap<>();

  /** A tree rooted at {@code root}; the empty path is the root itself. */
  public ScopeTree(Ops root) {
    this.root = root;
  }

  /** The ops of scope {@code path} (e.g. {@code visual/conv0}) below the root. */
  public Ops at(String path) {
    if (path.isEmpty()) {
      return root;
    }
    Ops existing = scopes.get(path);
    if (existing != null) {
      return existing;
    }
    int slash = path.lastIndexOf('/');
    Ops parent = slash < 0 ? root : at(path.substring(0, slash));
    Ops scope = parent.withSubScope(path.substring(slash + 1));
    scopes.put(path, scope);
    return scope;
  }
}
