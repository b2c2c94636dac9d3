package io.nex.node.sandbox.namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The filesystem half of a bwrap command line, in order. bwrap creates missing parents of a
 * mount point with mode 0700, which the sandbox user could not walk through; every parent is
 * therefore made explicitly with 0755 before the first mount below it.
 */
final class MountPlan {
  private final List<String> args = new ArrayList<>();
  private final Set<Path> present = new HashSet<>();

  MountPlan() {
    present.add(Path.of("/"));
  }

  MountPlan readOnly(Path source, Path target) {
    return mount("--ro-bind", source, target);
  }

  MountPlan writable(Path source, Path target) {
    return mount("--bind", source, target);
  }

  MountPlan symlink(Path linkTarget, Path link) {
    parents(link);
    args.add("--symlink");
    args.add(linkTarget.toString());
    args.add(link.toString());
    present.add(link);
    return this;
  }

  MountPlan tmpfs(Path target, String perms) {
    parents(target);
    args.add("--perms");
    args.add(perms);
    args.add("--tmpfs");
    args.add(target.toString());
    present.add(target);
    return this;
  }

  MountPlan proc(Path target) {
    parents(target);
    args.add("--proc");
    args.add(target.toString());
    present.add(target);
    return this;
  }

  MountPlan dev(Path target) {
    parents(target);
    args.add("--dev");
    args.add(target.toString());
    present.add(target);
    return this;
  }

  /** Everything so far, then the sandbox's root made read-only so the sandbox cannot add to it. */
  List<String> args() {
    List<String> all = new ArrayList<>(args);
    all.add("--remount-ro");
    all.add("/");
    return all;
  }

  private MountPlan mount(String option, Path source, Path target) {
    parents(target);
    args.add(option);
    args.add(source.toString());
    args.add(target.toString());
    present.add(target);
    return this;
  }

  private void parents(Path target) {
    Path parent = target.getParent();
    if (parent == null || present.contains(parent)) {
      return;
    }
    parents(parent);
    args.add("--perms");
    args.add("0755");
    args.add("--dir");
    args.add(parent.toString());
    present.add(parent);
  }
}
