#include <agent/metrics.hpp>

#include <doctest/doctest.h>

using gpx::agent::Endpoint;
using gpx::agent::Metrics;
using namespace std::chrono_literals;

TEST_SUITE("agent")
{
  TEST_CASE("metrics count by endpoint and outcome, in Prometheus text")
  {
    Metrics m;
    m.record(Endpoint::zip, 200, true, 1000, 200us);
    m.record(Endpoint::zip, 200, false, 500, 20ms);
    m.record(Endpoint::list, 404, false, 10, 1ms);
    m.record(Endpoint::info, 502, false, 10, 2s);
    m.record(Endpoint::sumdb, 400, false, 0, 1us);
    m.add_fetched(4096);
    m.add_upstream_error();
    auto text = m.render(123456, 7);
    auto has = [&](const std::string& line) {
      CAPTURE(line);
      CHECK(text.find(line + "\n") != std::string::npos);
    };
    has(R"(gpx_requests_total{endpoint="zip",outcome="hit"} 1)");
    has(R"(gpx_requests_total{endpoint="zip",outcome="miss"} 1)");
    has(R"(gpx_requests_total{endpoint="list",outcome="not_found"} 1)");
    has(R"(gpx_requests_total{endpoint="info",outcome="error"} 1)");
    has(R"(gpx_requests_total{endpoint="invalid",outcome="error"} 1)");
    has("gpx_cache_hits_total 1");
    has("gpx_cache_misses_total 1");
    has("gpx_upstream_errors_total 1");
    has("gpx_bytes_served_total 1520");
    has("gpx_bytes_fetched_total 4096");
    has("gpx_cache_bytes 123456");
    has("gpx_cache_entries 7");
    has(R"(gpx_request_duration_seconds_bucket{le="0.0005"} 2)");
    has(R"(gpx_request_duration_seconds_bucket{le="0.001"} 3)");
    has(R"(gpx_request_duration_seconds_bucket{le="0.05"} 4)");
    has(R"(gpx_request_duration_seconds_bucket{le="+Inf"} 5)");
    has("gpx_request_duration_seconds_count 5");
    CHECK(text.find("# TYPE gpx_request_duration_seconds histogram")
          != std::string::npos);
  }

  TEST_CASE(
    "a path that names no endpoint counts as invalid, never under a real "
    "endpoint")
  {
    Metrics m;
    m.record_invalid(3ms);
    m.record_invalid(1us);
    auto text = m.render(0, 0);
    CHECK(text.find(
            "gpx_requests_total{endpoint=\"invalid\",outcome=\"error\"} 2\n")
          != std::string::npos);
    CHECK(
      text.find("gpx_requests_total{endpoint=\"sumdb\",outcome=\"error\"} 0\n")
      != std::string::npos);
    CHECK(text.find("gpx_request_duration_seconds_count 2\n")
          != std::string::npos);
    CHECK(text.find("gpx_bytes_served_total 0\n") != std::string::npos);
    CHECK(m.totals().hits == 0);
    CHECK(m.totals().misses == 0);
  }
}
