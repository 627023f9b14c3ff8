"""The bridge in the learner's kernel: serve(), show(), the proxy and platform links."""
