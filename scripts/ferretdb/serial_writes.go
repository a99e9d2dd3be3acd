package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

// FerretDB 1.x updates a document by querying it, modifying it in Go and
// rewriting it by id (internal/handler/common/update.go), with nothing to stop
// another connection's write from landing in between: one of two concurrent
// writers of a document loses its change, and a conditional update is no
// compare-and-set. MongoDB applies each single-document write atomically, and
// our services rely on that. So clients reach FerretDB through this proxy,
// which lets one read-modify-write command at a time through to it (across all
// connections) and everything else as it comes. A local-development server
// does not need concurrent writes to be fast; it needs them to be right.

const (
	headerLength = 16
	// Larger than any message FerretDB accepts (48 MB), so a corrupt length
	// ends the connection instead of a huge allocation.
	maxMessageLength = 64 << 20
	opMsg            = 2013
	flagMoreToCome   = 1 << 1
)

// Commands FerretDB carries out as query, then modify, then rewrite.
var readModifyWrite = map[string]bool{"update": true, "findAndModify": true}

type message struct {
	raw        []byte
	requestID  int32
	responseTo int32
}

func readMessage(r io.Reader) (message, error) {
	header := make([]byte, headerLength)
	if _, err := io.ReadFull(r, header); err != nil {
		return message{}, err
	}
	length := binary.LittleEndian.Uint32(header[0:4])
	if length < headerLength || length > maxMessageLength {
		return message{}, fmt.Errorf("bad message length %d", length)
	}
	raw := make([]byte, length)
	copy(raw, header)
	if _, err := io.ReadFull(r, raw[headerLength:]); err != nil {
		return message{}, err
	}
	return message{
		raw:        raw,
		requestID:  int32(binary.LittleEndian.Uint32(raw[4:8])),
		responseTo: int32(binary.LittleEndian.Uint32(raw[8:12])),
	}, nil
}

// commandName is the first key of an OP_MSG's body document (kind 0
// section), which names the command; "" for anything else.
func commandName(m message) (name string, expectsReply bool) {
	raw := m.raw
	if binary.LittleEndian.Uint32(raw[12:16]) != opMsg || len(raw) < headerLength+4+1+4+1 {
		return "", true
	}
	flags := binary.LittleEndian.Uint32(raw[16:20])
	expectsReply = flags&flagMoreToCome == 0
	if raw[20] != 0 { // not a body section
		return "", expectsReply
	}
	// Body document: int32 length, then its first element: type byte, key.
	key := raw[headerLength+4+1+4+1:]
	for i, b := range key {
		if b == 0 {
			return string(key[:i]), expectsReply
		}
	}
	return "", expectsReply
}

// serialWrites is the one turn all connections share.
type serialWrites struct{ turn sync.Mutex }

// proxy serves each client connection of ln through its own connection to
// FerretDB's listener on the Unix socket backend.
func (s *serialWrites) proxy(ln net.Listener, backend string, logger *slog.Logger) error {
	for {
		client, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go func() {
			if err := s.serve(client, backend); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				logger.Debug("proxied connection ended", "error", err)
			}
		}()
	}
}

func (s *serialWrites) serve(client net.Conn, backend string) error {
	defer client.Close()
	server, err := net.Dial("unix", backend)
	if err != nil {
		return err
	}
	defer server.Close()

	// The write holding the turn on this connection, until its reply passes.
	var mu sync.Mutex
	holding, heldBy := false, int32(0)
	release := func(responseTo int32, always bool) {
		mu.Lock()
		defer mu.Unlock()
		if holding && (always || responseTo == heldBy) {
			holding = false
			s.turn.Unlock()
		}
	}
	defer release(0, true)

	replies := make(chan error, 1)
	go func() {
		for {
			m, err := readMessage(server)
			if err == nil {
				_, err = client.Write(m.raw)
			}
			if err != nil {
				client.Close()
				replies <- err
				return
			}
			release(m.responseTo, false)
		}
	}()

	for {
		m, err := readMessage(client)
		if err != nil {
			server.Close()
			<-replies
			return err
		}
		if name, expectsReply := commandName(m); readModifyWrite[name] && expectsReply {
			s.turn.Lock()
			mu.Lock()
			holding, heldBy = true, m.requestID
			mu.Unlock()
		}
		if _, err := server.Write(m.raw); err != nil {
			<-replies
			return err
		}
	}
}
