#include "tls_fixtures.hpp"

#include "loopback.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace gpx::test {

namespace {

void
run(const std::string& command)
{
  INFO(command);
  REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
}

} // namespace

void
make_pki(const std::filesystem::path& d, const std::string& san)
{
  const std::string dir = d.string();
  run(
    "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=gpx-test-ca "
    "-keyout "
    + dir + "/ca.key -out " + dir + "/ca.pem");
  std::ofstream(d / "san.ext") << "subjectAltName=" << san << "\n";
  run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout " + dir
      + "/server.key -out " + dir + "/server.csr");
  run("openssl x509 -req -in " + dir + "/server.csr -CA " + dir
      + "/ca.pem -CAkey " + dir + "/ca.key -CAcreateserial -days 2 -extfile "
      + dir + "/san.ext -out " + dir + "/server.pem");
  run("openssl req -newkey rsa:2048 -nodes -subj /CN=gpx-client -keyout " + dir
      + "/client.key -out " + dir + "/client.csr");
  run("openssl x509 -req -in " + dir + "/client.csr -CA " + dir
      + "/ca.pem -CAkey " + dir + "/ca.key -CAcreateserial -days 2 -out " + dir
      + "/client.pem");
}

TlsServer::TlsServer(const std::filesystem::path& d,
                     bool want_client_cert,
                     const std::function<void(httplib::Server&)>& routes)
  : http((d / "server.pem").c_str(),
         (d / "server.key").c_str(),
         want_client_cert ? (d / "ca.pem").c_str() : nullptr)
{
  REQUIRE(http.is_valid());
  http.Get("/ok", [](const httplib::Request&, httplib::Response& r) {
    r.set_content("tls ok", "text/plain");
  });
  if (routes) {
    routes(http);
  }
  port = http.bind_to_any_port("127.0.0.1");
  thread = std::thread([this] { http.listen_after_bind(); });
}

TlsServer::~TlsServer()
{
  http.stop();
  thread.join();
}

std::string
TlsServer::url() const
{
  return "https://127.0.0.1:" + std::to_string(port) + "/ok";
}

ConnectProxy::ConnectProxy(int redirect)
  : redirect_port(redirect)
{
  listener = listen_loopback(8, port);
  thread = std::thread([this] { serve(); });
}

ConnectProxy::~ConnectProxy()
{
  stop = true;
  ::shutdown(listener, SHUT_RDWR);
  ::close(listener);
  thread.join();
}

void
ConnectProxy::serve()
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
    while (head.find("\r\n\r\n") == std::string::npos
           && ::read(client, &c, 1) == 1) {
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
    int to_port = redirect_port != 0
                    ? redirect_port
                    : std::stoi(target.substr(target.find(':') + 1));
    std::string to_host =
      redirect_port != 0 ? "127.0.0.1" : target.substr(0, target.find(':'));
    t.sin_port = htons(static_cast<std::uint16_t>(to_port));
    ::inet_pton(AF_INET, to_host.c_str(), &t.sin_addr);
    if (!head.starts_with("CONNECT ")
        || ::connect(upstream, reinterpret_cast<sockaddr*>(&t), sizeof t)
             != 0) {
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
        open = n > 0
               && ::write(fds[1 - i].fd, buf, static_cast<std::size_t>(n)) == n;
      }
    }
    ::close(upstream);
    ::close(client);
  }
}

HttpsProxyEnv::HttpsProxyEnv(int port)
{
  auto url = "http://127.0.0.1:" + std::to_string(port);
  setenv("HTTPS_PROXY", url.c_str(), 1);
  setenv("https_proxy", url.c_str(), 1);
  unsetenv("NO_PROXY");
  unsetenv("no_proxy");
}

HttpsProxyEnv::~HttpsProxyEnv()
{
  for (const char* name :
       {"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"}) {
    unsetenv(name);
  }
}

} // namespace gpx::test
