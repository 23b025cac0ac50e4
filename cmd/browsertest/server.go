package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// labServer is a running kernel/lab.sh: the classic notebook server with
// the GoNB kernel, as `make lab` starts it.
type labServer struct {
	base  string // http://127.0.0.1:PORT
	token string
	cmd   *exec.Cmd
	log   *os.File
	done  chan struct{} // closed when the process has exited
	err   error         // its exit error, valid after done is closed
}

// freePort returns a loopback TCP port that nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// newToken returns a random hex token for the server.
func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// startLab starts root/kernel/lab.sh serving dir on a free loopback port,
// in its own process group, with RLCONTROL_QUICK=1 (lessons run in quick
// mode), and waits until the server answers /api with the token. The
// server's output goes to logPath. On error nothing is left running.
func startLab(ctx context.Context, root, dir, logPath string, wait time.Duration) (*labServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	// lab.sh passes everything after "--" to the notebook server. It sets
	// --notebook-dir itself (a second one is refused), so the scratch folder
	// is given to the two parts that read it: the contents manager (what
	// /notebooks/NAME serves) and the kernel manager (the kernels' working
	// directory).
	cmd := exec.Command(filepath.Join(root, "kernel", "lab.sh"),
		"--host", "127.0.0.1", "--port", fmt.Sprint(port), "--token", token,
		"--", "--FileContentsManager.root_dir="+dir, "--MappingKernelManager.root_dir="+dir)
	cmd.Dir = root
	// Quick lessons; and never headless (package live would then skip its
	// controls, and the controls are what this test drives).
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RLCONTROL_HEADLESS=") && !strings.HasPrefix(kv, "RLCONTROL_QUICK=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "RLCONTROL_QUICK=1")
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting kernel/lab.sh: %w", err)
	}
	s := &labServer{
		base:  fmt.Sprintf("http://127.0.0.1:%d", port),
		token: token,
		cmd:   cmd,
		log:   logf,
		done:  make(chan struct{}),
	}
	go func() { s.err = cmd.Wait(); close(s.done) }()

	deadline := time.Now().Add(wait)
	for {
		if err := s.get(ctx, "/api", nil); err == nil {
			break
		}
		select {
		case <-s.done:
			s.stop()
			return nil, fmt.Errorf("kernel/lab.sh exited before the server answered (%v); see %s", s.err, logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the notebook server did not answer on %s within %v; see %s", s.base, wait, logPath)
		}
	}
	return s, nil
}

// url returns the server URL of path with the token.
func (s *labServer) url(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return s.base + path + sep + "token=" + s.token
}

// get fetches path and decodes its JSON into v (if v is not nil).
func (s *labServer) get(ctx context.Context, path string, v any) error {
	return s.do(ctx, http.MethodGet, path, v)
}

// do sends a request with the token and decodes a JSON answer into v.
func (s *labServer) do(ctx context.Context, method, path string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.url(path), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if v == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// shutdownKernels deletes every session of the server, which shuts down
// its kernel. Errors are returned joined; the caller may ignore them.
func (s *labServer) shutdownKernels(ctx context.Context) error {
	var sessions []struct {
		ID string `json:"id"`
	}
	if err := s.get(ctx, "/api/sessions", &sessions); err != nil {
		return err
	}
	var errs []error
	for _, ss := range sessions {
		errs = append(errs, s.do(ctx, http.MethodDelete, "/api/sessions/"+ss.ID, nil))
	}
	return errors.Join(errs...)
}

// stop ends the server: SIGTERM to its whole process group (the notebook
// server then shuts its kernels down), SIGKILL after 10 s.
func (s *labServer) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	select {
	case <-s.done:
	default:
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.done
		}
	}
	// Anything left in the group (a straggler) goes too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	s.log.Close()
}
