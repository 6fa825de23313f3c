# R's own Hyman-filtered spline on the reference data sets, as JSON (issue 16).
#
#   Rscript scripts/hyman_reference.R > tests/data/hyman_reference.json
#
# Run by hand (R is not needed by CI: the output is stored in tests/data/ and
# tests/test_spline_reference.py compares xlsales/_spline.py with it).
#
# Data sets:
#   * the four published computed-ABC cases of tests/data/abc_published.json (test8, ties9,
#     seq1_10 and the 2,896 SwissInhabitants), turned into the ABC curve exactly as
#     cABCanalysis' ABCcurve does: values sorted descending, Effort = (0:n)/n,
#     Yield = c(0, cumsum(sorted) / sum), grid seq(0, 1, by = 0.01) below 101 items and
#     seq(0, 1, by = 0.001) otherwise;
#   * Akima's (1970) set, the standard case where an unfiltered spline overshoots, on the
#     grid seq(-1, 16, by = 0.05) (beyond both ends too).
# For each: the knots, R's filtered coefficients b, c, d (splinefun(method = "hyman"),
# which is the FMM spline passed through hyman_filter and spl_coef_conv), the grid and
# R's values on it (spline(x, y, xout = grid, method = "hyman")), and the first
# derivative there (splinefun(..., method = "hyman")(grid, deriv = 1)).
# Numbers are printed with 17 significant digits, so each double reads back exactly.

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "scripts"
published <- file.path(here, "..", "tests", "data", "abc_published.json")

# abc_published.json holds only flat arrays of numbers under "cases" -> name -> "data":
# read them without a JSON package (r-base-core has none)
text <- paste(readLines(published, warn = FALSE), collapse = "")
data_of <- function(name) {
  m <- regmatches(text, regexpr(paste0('"', name, '": *\\{ *"data": *\\[[^]]*\\]'), text))
  inner <- sub(".*\\[", "", sub("\\]$", "", m))
  as.numeric(strsplit(inner, ",")[[1]])
}

num <- function(v) paste0("[", paste(sprintf("%.17g", v), collapse = ", "), "]")

one_case <- function(name, x, y, grid) {
  f <- splinefun(x, y, method = "hyman")
  z <- environment(f)$z
  values <- spline(x, y, xout = grid, method = "hyman")$y
  slopes <- f(grid, deriv = 1)
  paste0(
    '    "', name, '": {\n',
    '      "x": ', num(x), ',\n',
    '      "y": ', num(y), ',\n',
    '      "b": ', num(z$b), ',\n',
    '      "c": ', num(z$c), ',\n',
    '      "d": ', num(z$d), ',\n',
    '      "grid": ', num(grid), ',\n',
    '      "values": ', num(values), ',\n',
    '      "slopes": ', num(slopes), '\n',
    '    }'
  )
}

cases <- character()
for (name in c("test8", "ties9", "seq1_10", "swiss")) {
  v <- sort(data_of(name), decreasing = TRUE)
  n <- length(v)
  effort <- (0:n) / n
  yield <- c(0, cumsum(v) / sum(v))
  grid <- if (n < 101) seq(0, 1, by = 0.01) else seq(0, 1, by = 0.001)
  cases <- c(cases, one_case(paste0("abc_", name), effort, yield, grid))
}
akima_x <- c(0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15)
akima_y <- c(10, 10, 10, 10, 10, 10, 10.5, 15, 50, 60, 85)
cases <- c(cases, one_case("akima", akima_x, akima_y, seq(-1, 16, by = 0.05)))

about <- paste0(
  "Values of R's spline(x, y, method = 'hyman') and splinefun(x, y, method = 'hyman') ",
  "(coefficients b, c, d; values and first derivatives on each grid), written by ",
  "scripts/hyman_reference.R with ", R.version.string, " (Debian r-base-core). ",
  "abc_* cases: the ABC curves of tests/data/abc_published.json as cABCanalysis builds ",
  "them (Effort = (0:n)/n, Yield = c(0, cumsum(sorted desc)/sum), grid by 0.01 below 101 ",
  "items, 0.001 otherwise); akima: Akima (1970), grid seq(-1, 16, by = 0.05). ",
  "Numbers printed with 17 significant digits."
)
cat("{\n")
cat('  "about": "', about, '",\n', sep = "")
cat('  "cases": {\n')
cat(paste(cases, collapse = ",\n"), "\n", sep = "")
cat("  }\n}\n")
