// TLS to upstreams: a private CA instead of the system's, and client
// certificates, against an in-process HTTPS server with throw-away keys made
// by the openssl command (a missing openssl fails the test).

#include "../support/temp_dir.hpp"
#include "../support/tls_fixtures.hpp"

#include <agent/http_client.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

using gpx::agent::HttpClient;
using gpx::agent::HttpClientOptions;
using gpx::test::ConnectProxy;
using gpx::test::make_pki;
using gpx::test::TlsServer;

TEST_SUITE("agent")
{
  TEST_CASE("ca_file: a private CA is trusted only when configured")
  {
    gpx::test::TempDir tmp;
    make_pki(tmp.path());
    TlsServer server(tmp.path(), false);

    HttpClient system_cas;
    auto r = system_cas.get(server.url(), 1024);
    REQUIRE_FALSE(r); // not signed by a system CA
    CHECK(r.error().message.find("127.0.0.1") != std::string::npos);

    HttpClientOptions o;
    o.ca_file = (tmp.path() / "ca.pem").string();
    HttpClient private_ca(o);
    r = private_ca.get(server.url(), 1024);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "tls ok");
  }

  TEST_CASE("client_cert: sent when configured, and required by the server")
  {
    gpx::test::TempDir tmp;
    make_pki(tmp.path());
    TlsServer server(tmp.path(), true);

    HttpClientOptions o;
    o.ca_file = (tmp.path() / "ca.pem").string();
    HttpClient no_cert(o);
    auto r = no_cert.get(server.url(), 1024);
    bool refused = !r || r->status != 200;
    CHECK(refused);

    o.client_cert = (tmp.path() / "client.pem").string();
    o.client_key = (tmp.path() / "client.key").string();
    HttpClient with_cert(o);
    r = with_cert.get(server.url(), 1024);
    REQUIRE(r);
    CHECK(r->status == 200);
  }

  TEST_CASE(
    "HTTPS_PROXY: an https upstream is reached through the proxy's CONNECT "
    "tunnel")
  {
    gpx::test::TempDir tmp;
    make_pki(tmp.path());
    TlsServer server(tmp.path(), false);
    ConnectProxy proxy;
    gpx::test::HttpsProxyEnv env(proxy.port);
    {
      HttpClientOptions o;
      o.ca_file = (tmp.path() / "ca.pem").string();
      HttpClient client(o);
      auto r = client.get(server.url(), 1024);
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "tls ok"); // end to end through the tunnel: TLS still
                                  // verified against the CA
      std::lock_guard lock(proxy.mutex);
      REQUIRE(proxy.targets.size() == 1);
      CHECK(proxy.targets[0]
            == "CONNECT 127.0.0.1:" + std::to_string(server.port)
                 + " HTTP/1.1");
    }
    // NO_PROXY: straight to the server, the proxy not asked.
    setenv("NO_PROXY", "127.0.0.1", 1);
    {
      HttpClientOptions o;
      o.ca_file = (tmp.path() / "ca.pem").string();
      HttpClient client(o);
      auto r = client.get(server.url(), 1024);
      REQUIRE(r);
      CHECK(r->body == "tls ok");
      std::lock_guard lock(proxy.mutex);
      CHECK(proxy.targets.size() == 1);
    }
  }

  TEST_CASE(
    "an https upstream that redirects to http is refused, as the go command "
    "refuses it")
  {
    gpx::test::TempDir tmp;
    make_pki(tmp.path());
    httplib::Server plain;
    std::atomic<int> plain_hits{0};
    plain.Get("/x", [&](const httplib::Request&, httplib::Response& r) {
      ++plain_hits;
      r.set_content("served in clear text", "text/plain");
    });
    int plain_port = plain.bind_to_any_port("127.0.0.1");
    std::thread t([&] { plain.listen_after_bind(); });
    TlsServer server(tmp.path(), false, [&](httplib::Server& h) {
      h.Get("/down", [&](const httplib::Request&, httplib::Response& r) {
        r.set_redirect("http://127.0.0.1:" + std::to_string(plain_port) + "/x");
      });
    });
    auto netrc =
      tmp.write("netrc", "machine 127.0.0.1 login user password s3cret\n");
    HttpClientOptions o;
    o.ca_file = (tmp.path() / "ca.pem").string();
    o.netrc_file = netrc.string();
    HttpClient client(o);
    auto r = client.get(
      "https://127.0.0.1:" + std::to_string(server.port) + "/down", 1024);
    CHECK_FALSE((r && r->status == 200));
    CHECK(plain_hits == 0);
    plain.stop();
    t.join();
  }
}
