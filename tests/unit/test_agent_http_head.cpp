#include <agent/http_head.hpp>

#include <doctest/doctest.h>

using gpx::agent::HeadLimits;
using gpx::agent::HeadParse;
using gpx::agent::parse_request_head;
using gpx::agent::percent_decode;

TEST_SUITE("agent")
{
  TEST_CASE("request heads: a complete head, its fields and what follows it")
  {
    std::string buf =
      "GET /rsc.io/quote/@v/v1.5.2.info?x=1 HTTP/1.1\r\nHost: "
      "127.0.0.1:7070\r\n"
      "user-agent:  Go-http-client/1.1 \r\n\r\nGET /next";
    auto p = parse_request_head(buf);
    REQUIRE(p.state == HeadParse::State::complete);
    CHECK(p.head.method == "GET");
    CHECK(p.head.target == "/rsc.io/quote/@v/v1.5.2.info?x=1");
    CHECK(p.head.path == "/rsc.io/quote/@v/v1.5.2.info");
    CHECK(p.head.field("host") == "127.0.0.1:7070");
    CHECK(p.head.field("User-Agent") == "Go-http-client/1.1");
    CHECK(p.head.field("Origin").empty());
    CHECK(p.head.keep_alive);
    CHECK_FALSE(p.head.has_body);
    CHECK(buf.substr(p.head_size) == "GET /next");
  }

  TEST_CASE("request heads: incomplete until the blank line")
  {
    std::string full = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
    for (std::size_t n = 0; n < full.size(); ++n) {
      CAPTURE(n);
      CHECK(parse_request_head(full.substr(0, n)).state
            == HeadParse::State::incomplete);
    }
    CHECK(parse_request_head(full).state == HeadParse::State::complete);
  }

  TEST_CASE("request heads: connection persistence and bodies")
  {
    CHECK_FALSE(parse_request_head(
                  "GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n")
                  .head.keep_alive);
    CHECK_FALSE(parse_request_head("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
    CHECK(parse_request_head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
            .head.keep_alive);
    CHECK(parse_request_head("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n")
            .head.has_body);
    CHECK(parse_request_head(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            .head.has_body);
    CHECK_FALSE(
      parse_request_head("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        .head.has_body);
    CHECK(
      parse_request_head("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").status
      == 400);
    CHECK(parse_request_head(
            "GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n")
            .status
          == 400);
  }

  TEST_CASE(
    "request heads: caps refuse as soon as they are passed, before the head "
    "ends")
  {
    HeadLimits limits;
    limits.max_request_line = 100;
    limits.max_head_bytes = 1000;
    limits.max_fields = 5;
    // A request line past its cap, with no end in sight: 414 at once.
    auto line = parse_request_head("GET /" + std::string(200, 'a'), limits);
    CHECK(line.state == HeadParse::State::refused);
    CHECK(line.status == 414);
    CHECK(parse_request_head(
            "GET /" + std::string(95, 'a') + " HTTP/1.1\r\n\r\n", limits)
            .status
          == 414);
    CHECK(parse_request_head(
            "GET /" + std::string(80, 'a') + " HTTP/1.1\r\n\r\n", limits)
            .state
          == HeadParse::State::complete);
    // Header bytes past the cap, unfinished: 431.
    std::string big = "GET / HTTP/1.1\r\nX: " + std::string(2000, 'b');
    CHECK(parse_request_head(big, limits).status == 431);
    // Too many fields, unfinished: 431 without waiting for the end.
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 7; ++i) {
      many += "X-" + std::to_string(i) + ": 1\r\n";
    }
    CHECK(parse_request_head(many, limits).status == 431);
    std::string five = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 5; ++i) {
      five += "X-" + std::to_string(i) + ": 1\r\n";
    }
    CHECK(parse_request_head(five + "\r\n", limits).state
          == HeadParse::State::complete);
    CHECK(parse_request_head(five + "X-6: 1\r\n\r\n", limits).status == 431);
  }

  TEST_CASE("request heads: malformed ones are refused")
  {
    CHECK(parse_request_head("GET /\r\n\r\n").status == 400);
    CHECK(parse_request_head("GET  / HTTP/1.1\r\n\r\n").status == 400);
    CHECK(parse_request_head("GET / HTTP/2.0\r\n\r\n").status == 505);
    CHECK(parse_request_head("GET / HTTP/1.1x\r\n\r\n").status == 505);
    CHECK(parse_request_head("GET http://evil/ HTTP/1.1\r\n\r\n").status
          == 400);
    CHECK(parse_request_head("G(T / HTTP/1.1\r\n\r\n").status == 400);
    CHECK(parse_request_head("GET / HTTP/1.1\r\nNoColon\r\n\r\n").status
          == 400);
    CHECK(parse_request_head("GET / HTTP/1.1\r\n folded: x\r\n\r\n").status
          == 400);
    CHECK(parse_request_head("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n").status
          == 400);
    CHECK(parse_request_head("GET /a%zz HTTP/1.1\r\n\r\n").status == 400);
    CHECK(parse_request_head("GET /a%00b HTTP/1.1\r\n\r\n").status == 400);
  }

  TEST_CASE("percent-decoding of paths")
  {
    CHECK(percent_decode("/github.com/%21azure/@v/list")
          == "/github.com/!azure/@v/list");
    CHECK(percent_decode("/a%2Fb%2e%2E") == "/a/b..");
    CHECK(percent_decode("/a+b") == "/a+b");
    CHECK_FALSE(percent_decode("/a%2"));
    CHECK_FALSE(percent_decode("/a%"));
    CHECK_FALSE(percent_decode("/a%g1"));
    CHECK_FALSE(percent_decode("/%00"));
  }
}
