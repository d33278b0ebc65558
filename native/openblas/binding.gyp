{
  "targets": [
    {
      "target_name": "openblas_sgemm",
      "sources": ["sgemm.c", "rows.c", "adam.c"],
      "cflags": ["-O2", "-ffp-contract=off"],
      "libraries": ["-lopenblas", "-lm"]
    }
  ]
}
