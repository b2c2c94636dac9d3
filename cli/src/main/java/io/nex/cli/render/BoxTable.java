package io.nex.cli.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A rounded box-drawn table with a centred title, as Nex's CLI draws them. */
public final class BoxTable {
  private final String title;
  private final List<String> headers;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  public BoxTable(String title, String... headers) {
    this.title = title;
    this.headers = List.of(headers);
    this.rightAligned = new boolean[headers.length];
  }

  public BoxTable alignRight(int column) {
    rightAligned[column] = true;
    return this;
  }

  public BoxTable row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
    }
    rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c.toString()).toList());
    return this;
  }

  public String render() {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    int inner = Arrays.stream(widths).map(w -> w + 3).sum() - 1;
    if (title.length() + 2 > inner) {
      widths[widths.length - 1] += title.length() + 2 - inner;
      inner = title.length() + 2;
    }
    StringBuilder out = new StringBuilder();
    out.append('╭').append("─".repeat(inner)).append("╮\n");
    int left = (inner - title.length()) / 2;
    out.append('│').append(" ".repeat(left)).append(title).append(" ".repeat(inner - left - title.length()))
        .append("│\n");
    out.append(rule('├', '┬', '┤', widths));
    out.append(line(headers, widths, new boolean[widths.length]));
    out.append(rule('├', '┼', '┤', widths));
    for (List<String> row : rows) {
      out.append(line(row, widths, rightAligned));
    }
    out.append(rule('╰', '┴', '╯', widths));
    return out.toString();
  }

  private static String rule(char left, char middle, char right, int[] widths) {
    StringBuilder out = new StringBuilder().append(left);
    for (int c = 0; c < widths.length; c++) {
      out.append("─".repeat(widths[c] + 2)).append(c == widths.length - 1 ? right : middle);
    }
    return out.append('\n').toString();
  }

  private static String line(List<String> cells, int[] widths, boolean[] right) {
    StringBuilder out = new StringBuilder().append('│');
    for (int c = 0; c < widths.length; c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      out.append(' ').append(right[c] ? pad + cell : cell + pad).append(" │");
    }
    return out.append('\n').toString();
  }
}
