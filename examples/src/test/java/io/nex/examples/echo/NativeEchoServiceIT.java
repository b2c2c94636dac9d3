package io.nex.examples.echo;

import java.util.List;

/** The `native` form: the static executable gcc built during `compile`. */
class NativeEchoServiceIT extends EchoServiceContract {

  @Override
  protected List<String> command() {
    return List.of(System.getProperty("echo.native", "target/echo-native"));
  }
}
