// TLS to upstreams: a private CA instead of the system's, and client
// certificates, against an in-process HTTPS server with throw-away keys made
// by the openssl command (a missing openssl fails the test).

#include "../support/temp_dir.hpp"

#include <agent/http_client.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <thread>

using gpx::agent::HttpClient;
using gpx::agent::HttpClientOptions;

namespace {

void
run(const std::string& command)
{
  INFO(command);
  REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
}

// ca.pem signs server.pem (for 127.0.0.1) and client.pem.
void
make_pki(const std::filesystem::path& d)
{
  const std::string dir = d.string();
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=gpx-test-ca -keyout " + dir + "/ca.key -out " + dir + "/ca.pem");
  std::ofstream(d / "san.ext") << "subjectAltName=IP:127.0.0.1\n";
  run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout " + dir + "/server.key -out " + dir + "/server.csr");
  run("openssl x509 -req -in " + dir + "/server.csr -CA " + dir + "/ca.pem -CAkey " + dir + "/ca.key -CAcreateserial -days 2 -extfile " + dir + "/san.ext -out " + dir + "/server.pem");
  run("openssl req -newkey rsa:2048 -nodes -subj /CN=gpx-client -keyout " + dir + "/client.key -out " + dir + "/client.csr");
  run("openssl x509 -req -in " + dir + "/client.csr -CA " + dir + "/ca.pem -CAkey " + dir + "/ca.key -CAcreateserial -days 2 -out " + dir + "/client.pem");
}

struct TlsServer
{
  httplib::SSLServer http;
  int port = 0;
  std::thread thread;

  TlsServer(const std::filesystem::path& d, bool want_client_cert)
    : http((d / "server.pem").c_str(),
           (d / "server.key").c_str(),
           want_client_cert ? (d / "ca.pem").c_str() : nullptr)
  {
    REQUIRE(http.is_valid());
    http.Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("tls ok", "text/plain"); });
    port = http.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { http.listen_after_bind(); });
  }
  ~TlsServer()
  {
    http.stop();
    thread.join();
  }
  std::string
  url() const
  {
    return "https://127.0.0.1:" + std::to_string(port) + "/ok";
  }
};

} // namespace

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
}
