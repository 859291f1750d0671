// Command relay is a TCP relay that adds latency, for benchmarks on one
// machine where the kernel has no netem: every byte is delivered -delay
// after it was read, in each direction, so a request and its answer cost
// one round trip of 2*delay; a new connection first pays one more round
// trip (the TCP handshake a real network would cost) before its first byte
// moves. With -rate, each direction of each connection is a link of that
// many bits per second: bytes are sent one after another (in slices of at
// most 16 KiB) and each arrives delay after its last bit was sent, so a
// transfer of N bytes takes N*8/rate plus the delay. Nothing is dropped;
// TCP slow start is not modeled (the relay reads ahead without bound).
//
//	relay -listen 127.0.0.1:0 -to 127.0.0.1:8080 -delay 20ms [-rate 20M]
//
// Prints "relay listening on HOST:PORT" on stdout once it accepts, then
// serves until killed. Standard library only.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type chunk struct {
	at   time.Time // when it was read; delivered at at+delay
	data []byte    // nil: the source closed (half-close the destination)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	to := flag.String("to", "", "address to relay to (host:port)")
	delay := flag.Duration("delay", 20*time.Millisecond, "one-way delay (the round trip is twice this)")
	handshake := flag.Bool("handshake", true, "a new connection waits one round trip before its first byte moves")
	rateFlag := flag.String("rate", "0", "bandwidth of each direction of each connection in bits/s (suffix k, M or G: 20M is 20 Mbit/s); 0: unlimited")
	verbose := flag.Bool("v", false, "log each accepted connection (\"accepted N\") and each HTTP request line (\"request GET /path\") on stderr")
	flag.Parse()
	if *to == "" {
		log.Fatal("relay: -to is required")
	}
	rate, err := parseRate(*rateFlag)
	if err != nil {
		log.Fatalf("relay: -rate: %v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("relay listening on %s\n", ln.Addr())
	os.Stdout.Sync()
	for n := 1; ; n++ {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		if *verbose {
			fmt.Fprintf(os.Stderr, "accepted %d\n", n)
		}
		go serve(c.(*net.TCPConn), *to, *delay, rate, *handshake, *verbose)
	}
}

// parseRate reads "20M", "500k", "1G" or a plain number of bits per second.
func parseRate(s string) (float64, error) {
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1e3, s[:len(s)-1]
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, s[:len(s)-1]
	case strings.HasSuffix(s, "G"):
		mult, s = 1e9, s[:len(s)-1]
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("not a rate: %q (use e.g. 20M)", s)
	}
	return v * mult, nil
}

func serve(client *net.TCPConn, to string, delay time.Duration, rate float64, handshake, verbose bool) {
	defer client.Close()
	if handshake {
		time.Sleep(2 * delay)
	}
	up, err := net.Dial("tcp", to)
	if err != nil {
		log.Printf("relay: %v", err)
		return
	}
	server := up.(*net.TCPConn)
	defer server.Close()
	client.SetNoDelay(true)
	server.SetNoDelay(true)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); pipe(server, client, delay, rate, verbose) }()
	go func() { defer wg.Done(); pipe(client, server, delay, rate, false) }()
	wg.Wait()
}

// pipe copies src to dst, each chunk delay after it was read (with rate > 0:
// delay after the link, busy with earlier bytes, finished sending it). A
// reader and a writer with a queue between them, so delays overlap as on a
// wire.
// With logRequests, lines that look like an HTTP/1 request line are logged
// (requests without bodies, as a module proxy's clients send).
func pipe(dst, src *net.TCPConn, delay time.Duration, rate float64, logRequests bool) {
	q := make(chan chunk, 4096)
	go func() {
		for {
			buf := make([]byte, 64<<10)
			n, err := src.Read(buf)
			if n > 0 {
				if logRequests {
					for _, line := range strings.Split(string(buf[:n]), "\r\n") {
						if f := strings.Fields(line); len(f) == 3 && (f[0] == "GET" || f[0] == "HEAD") && strings.HasPrefix(f[2], "HTTP/") {
							fmt.Fprintf(os.Stderr, "request %s %s\n", f[0], f[1])
						}
					}
				}
				q <- chunk{time.Now(), buf[:n]}
			}
			if err != nil {
				q <- chunk{time.Now(), nil}
				return
			}
		}
	}()
	broken := false
	var linkFree time.Time // with rate: when the link has sent everything queued so far
	for c := range q {
		if rate > 0 && c.data != nil && !broken {
			for data := c.data; len(data) > 0; {
				n := min(len(data), 16<<10)
				start := c.at
				if linkFree.After(start) {
					start = linkFree
				}
				linkFree = start.Add(time.Duration(float64(n) * 8 / rate * float64(time.Second)))
				if d := time.Until(linkFree.Add(delay)); d > 0 {
					time.Sleep(d)
				}
				if _, err := dst.Write(data[:n]); err != nil {
					broken = true
					src.CloseRead()
					break
				}
				data = data[n:]
			}
			continue
		}
		at := c.at
		if linkFree.After(at) {
			at = linkFree // a close does not overtake the bytes before it
		}
		if d := time.Until(at.Add(delay)); d > 0 {
			time.Sleep(d)
		}
		if c.data == nil {
			if broken {
				dst.Close()
			} else {
				dst.CloseWrite()
			}
			return
		}
		if broken {
			continue // drain so the reader ends
		}
		if _, err := dst.Write(c.data); err != nil {
			broken = true
			src.CloseRead()
		}
	}
}
