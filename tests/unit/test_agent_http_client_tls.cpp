// TLS to upstreams: a private CA instead of the system's, and client
// certificates, against an in-process HTTPS server with throw-away keys made
// by the openssl command (a missing openssl fails the test).

#include "../support/temp_dir.hpp"

#include <agent/http_client.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include <arpa/inet.h>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

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

// A corporate HTTPS proxy, reduced to what matters: it answers CONNECT
// host:port, opens the tunnel and copies bytes both ways. It records the
// targets it was asked for.
struct ConnectProxy
{
  int listener = -1;
  int port = 0;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> targets;

  ConnectProxy()
  {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listener, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this] { serve(); });
  }
  ~ConnectProxy()
  {
    stop = true;
    ::shutdown(listener, SHUT_RDWR);
    ::close(listener);
    thread.join();
  }
  void
  serve()
  {
    while (!stop) {
      pollfd p{listener, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) {
        continue;
      }
      int client = ::accept(listener, nullptr, nullptr);
      if (client < 0) {
        continue;
      }
      std::string head;
      char c;
      while (head.find("\r\n\r\n") == std::string::npos && ::read(client, &c, 1) == 1) {
        head += c;
      }
      // "CONNECT 127.0.0.1:PORT HTTP/1.1"
      auto target = head.substr(8, head.find(' ', 8) - 8);
      {
        std::lock_guard lock(mutex);
        targets.push_back(head.substr(0, head.find("\r\n")));
      }
      int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in t{};
      t.sin_family = AF_INET;
      t.sin_port = htons(static_cast<std::uint16_t>(std::stoi(target.substr(target.find(':') + 1))));
      ::inet_pton(AF_INET, target.substr(0, target.find(':')).c_str(), &t.sin_addr);
      if (!head.starts_with("CONNECT ") || ::connect(upstream, reinterpret_cast<sockaddr*>(&t), sizeof t) != 0) {
        ::close(upstream);
        ::close(client);
        continue;
      }
      const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
      (void)::write(client, ok, sizeof ok - 1);
      pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
      char buf[16384];
      bool open = true;
      while (open && !stop) {
        if (::poll(fds, 2, 100) <= 0) {
          continue;
        }
        for (int i = 0; i < 2 && open; ++i) {
          if ((fds[i].revents & (POLLIN | POLLHUP)) == 0) {
            continue;
          }
          auto n = ::read(fds[i].fd, buf, sizeof buf);
          open = n > 0 && ::write(fds[1 - i].fd, buf, static_cast<std::size_t>(n)) == n;
        }
      }
      ::close(upstream);
      ::close(client);
    }
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

  TEST_CASE("HTTPS_PROXY: an https upstream is reached through the proxy's CONNECT tunnel")
  {
    gpx::test::TempDir tmp;
    make_pki(tmp.path());
    TlsServer server(tmp.path(), false);
    ConnectProxy proxy;
    auto proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port);
    setenv("HTTPS_PROXY", proxy_url.c_str(), 1);
    setenv("https_proxy", proxy_url.c_str(), 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    {
      HttpClientOptions o;
      o.ca_file = (tmp.path() / "ca.pem").string();
      HttpClient client(o);
      auto r = client.get(server.url(), 1024);
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "tls ok"); // end to end through the tunnel: TLS still verified against the CA
      std::lock_guard lock(proxy.mutex);
      REQUIRE(proxy.targets.size() == 1);
      CHECK(proxy.targets[0] == "CONNECT 127.0.0.1:" + std::to_string(server.port) + " HTTP/1.1");
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
    unsetenv("HTTPS_PROXY");
    unsetenv("https_proxy");
    unsetenv("NO_PROXY");
  }
}
