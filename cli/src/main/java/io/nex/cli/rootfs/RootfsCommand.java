package io.nex.cli.rootfs;

import picocli.CommandLine.Command;

@Command(name = "rootfs", aliases = "fs", mixinStandardHelpOptions = true,
    description = "Build the guest image VM sandboxes boot (kernel, initramfs, ext4 root with the agent)",
    subcommands = RootfsBuildCommand.class)
public final class RootfsCommand {}
