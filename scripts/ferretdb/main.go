// Command ferretdb runs FerretDB v1 embedded as a library, serving the MongoDB
// wire protocol on a TCP address and storing data in SQLite files.
//
// Why a program of our own: a plain `go install .../cmd/ferretdb` binary
// panics on missing build metadata, while the embeddable package skips that
// check when FerretDB is not the main module. scripts/setup builds this into
// $KV_CACHE/bin/ferretdb-<version>/ferretdb and scripts/stack starts it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("sqlite-dir", "", "directory for SQLite files (one file per database); created if missing")
	logLevel := flag.String("log-level", "info", "log level: debug, info, warn, error")
	flag.Parse()

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: -sqlite-dir is required")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		logger.Error("resolving -sqlite-dir", "error", err)
		os.Exit(1)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		logger.Error("creating -sqlite-dir", "error", err)
		os.Exit(1)
	}

	// FerretDB itself listens on a Unix socket; clients reach it on the TCP
	// address through the proxy that takes turns with writes (serial_writes.go).
	// In the temp dir: a socket path must stay under ~100 bytes, which a data
	// directory deep in a checkout may not; named after the TCP port it serves.
	_, port, err := net.SplitHostPort(*listen)
	if err != nil {
		logger.Error("bad -listen-addr", "error", err)
		os.Exit(2)
	}
	socket := filepath.Join(os.TempDir(), "kvartirnsk-ferretdb-"+port+".sock")
	_ = os.Remove(socket) // left by a process that was killed
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		logger.Error("listening", "addr", *listen, "error", err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{Unix: socket},
		Logger:   logger,
		Handler:  "sqlite",
		// FerretDB wants a file: URI naming a directory, with a trailing slash.
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		logger.Error("starting FerretDB", "error", err)
		os.Exit(1)
	}

	// Stop cleanly on SIGTERM/SIGINT (scripts/stack stop sends SIGTERM).
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	go func() {
		if err := (&serialWrites{}).proxy(ln, socket, logger); err != nil {
			logger.Error("proxy stopped", "error", err)
			stop()
		}
	}()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()

	logger.Info("FerretDB listening", "addr", *listen, "socket", socket, "sqlite_dir", dir)
	if err := f.Run(ctx); err != nil {
		logger.Error("FerretDB stopped", "error", err)
		os.Exit(1)
	}
}
