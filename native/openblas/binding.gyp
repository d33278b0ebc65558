{
  "targets": [
    {
      "target_name": "openblas_sgemm",
      "sources": ["sgemm.c", "rows.c"],
      "cflags": ["-O2"],
      "libraries": ["-lopenblas"]
    }
  ]
}
