package io.nex.examples.echo;

import java.nio.file.Path;
import java.util.List;

/** The `jar` form, run exactly as shipped: `java -jar echo-service.jar` with nothing else. */
class JarEchoServiceIT extends EchoServiceContract {

  @Override
  protected List<String> command() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-jar", System.getProperty("echo.jar", "target/echo-service.jar"));
  }
}
