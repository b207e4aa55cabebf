<?php

declare(strict_types=1);

// Loads the binding without composer and makes sure a simulator is running: VIPPS_BASE_URL names
// one (run-tests.sh starts it), otherwise one is started here and stopped at exit.

require dirname(__DIR__) . '/autoload.php';
require __DIR__ . '/SimTestCase.php';

if (!getenv('VIPPS_BASE_URL')) {
    $sim = getenv('VIPPS_SIM') ?: dirname(__DIR__, 3) . '/target/debug/vipps-sim';
    if (!is_executable($sim)) {
        fwrite(STDERR, "vipps-sim not found at $sim: run `cargo build -p vipps -p vipps-sim` or set VIPPS_BASE_URL\n");
        exit(2);
    }
    $process = proc_open([$sim, '--port', '0'], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
    if (!is_resource($process)) {
        fwrite(STDERR, "cannot start $sim\n");
        exit(2);
    }
    $line = trim((string) fgets($pipes[1]));
    if (strncmp($line, 'http://', 7) !== 0) {
        fwrite(STDERR, "vipps-sim printed no base URL: $line\n");
        exit(2);
    }
    putenv("VIPPS_BASE_URL=$line");
    $_ENV['VIPPS_BASE_URL'] = $line;
    register_shutdown_function(static function () use ($process, $pipes): void {
        proc_terminate($process);
        fclose($pipes[1]);
        proc_close($process);
    });
}
