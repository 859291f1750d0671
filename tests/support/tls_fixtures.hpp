#pragma once

// TLS test fixtures: a throw-away PKI made with the openssl command (a
// missing openssl fails the test), an in-process HTTPS server, and a
// corporate HTTPS proxy reduced to CONNECT.

#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gpx::test {

// ca.pem signs server.pem (for san, an openssl subjectAltName value such
// as "IP:127.0.0.1" or "DNS:corp.example") and client.pem.
void make_pki(const std::filesystem::path& dir,
              const std::string& san = "IP:127.0.0.1");

struct TlsServer
{
  httplib::SSLServer http;
  int port = 0;
  std::thread thread;

  // Serves GET /ok ("tls ok") and whatever routes adds.
  TlsServer(const std::filesystem::path& pki,
            bool want_client_cert,
            const std::function<void(httplib::Server&)>& routes = {});
  ~TlsServer();
  std::string url() const;
};

// Answers CONNECT host:port, opens the tunnel and copies bytes both ways;
// records the request lines. With redirect_port set, every tunnel goes to
// 127.0.0.1:redirect_port whatever host was asked (a stand-in for DNS).
struct ConnectProxy
{
  int listener = -1;
  int port = 0;
  int redirect_port = 0;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> targets;

  explicit ConnectProxy(int redirect = 0);
  ~ConnectProxy();

private:
  void serve();
};

// HTTPS_PROXY and https_proxy pointing at a proxy on 127.0.0.1:port, and
// no NO_PROXY, for the life of the object; all four unset afterwards.
class HttpsProxyEnv
{
public:
  explicit HttpsProxyEnv(int port);
  ~HttpsProxyEnv();
  HttpsProxyEnv(const HttpsProxyEnv&) = delete;
  HttpsProxyEnv& operator=(const HttpsProxyEnv&) = delete;
};

} // namespace gpx::test
