-- wrk prints this one JSON line at the end of a run: requests/s, errors and latency percentiles (µs).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "errors": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d, "max": %d}\n',
    summary.requests, seconds, summary.requests / seconds, errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
