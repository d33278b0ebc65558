{
  "targets": [
    {
      "target_name": "openblas_sgemm",
      "sources": ["sgemm.c", "rows.c", "adam.c", "dropout.c", "ordered.c", "elementwise.c", "transpose.c"],
      "cflags": ["-O3", "-ffp-contract=off"],
      "libraries": ["-lopenblas", "-lm"]
    }
  ]
}
