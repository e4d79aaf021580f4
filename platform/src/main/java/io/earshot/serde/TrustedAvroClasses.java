package io.earshot.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes it has not been told to trust. Earshot's generated
 * classes ({@code io.earshot.avro}) are trusted here, in addition to whatever the JVM already
 * trusts, so no deployment has to remember a system property.
 */
public final class TrustedAvroClasses {

  public static final String PACKAGE = "io.earshot.avro";
  private static boolean installed;

  private TrustedAvroClasses() {}

  /** Installs the trust once per JVM; cheap to call repeatedly. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(previous, cls -> cls.getName().startsWith(PACKAGE + ".")));
    installed = true;
  }
}
