{
  "targets": [
    {
      "target_name": "openblas_sgemm",
      "sources": ["sgemm.c"],
      "cflags": ["-O2"],
      "libraries": ["-lopenblas"]
    }
  ]
}
