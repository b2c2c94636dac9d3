package io.nex.node.function;

/**
 * NATS subject matching with wildcards, for the trigger deny list. Two subjects collide when one
 * concrete subject could match both: then a trigger on the first could see messages of the second.
 */
public final class SubjectFilter {
  private SubjectFilter() {}

  public static boolean collides(String a, String b) {
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    int i = 0;
    for (; i < x.length && i < y.length; i++) {
      if (x[i].equals(">") || y[i].equals(">")) {
        return true;
      }
      if (!x[i].equals("*") && !y[i].equals("*") && !x[i].equals(y[i])) {
        return false;
      }
    }
    return x.length == y.length;
  }

  /** A well-formed subject or filter: non-empty tokens, {@code >} only last. */
  public static boolean isValid(String subject) {
    if (subject == null || subject.isEmpty() || subject.contains(" ")) {
      return false;
    }
    String[] tokens = subject.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].isEmpty() || (tokens[i].equals(">") && i != tokens.length - 1)) {
        return false;
      }
    }
    return true;
  }
}
