using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

/// <summary>
/// A real redis-server process on a free loopback port, started for the tests and killed after them; it can be killed and restarted
/// on the same port mid-test. Without redis-server on PATH the tests are skipped with an install hint, except when CI=true, where
/// they fail.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string InstallHint = "redis-server is not on PATH; install it with: sudo apt-get install redis-server (or brew install redis).";

    private Process? _process;

    public int Port { get; private set; }

    public string? MissingReason { get; private set; }

    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,allowAdmin=true,connectTimeout=500,syncTimeout=1000,asyncTimeout=1000";

    public async ValueTask InitializeAsync()
    {
        var executable = FindOnPath("redis-server");
        if (executable is null)
        {
            MissingReason = InstallHint;
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("CI=true and " + InstallHint);
            }

            return;
        }

        Port = FreePort();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
    }

    /// <summary>Skips the calling test when redis-server is missing (outside CI).</summary>
    public void RequireServer() => Assert.SkipWhen(MissingReason is not null, MissingReason ?? string.Empty);

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration);

    public async Task StartAsync()
    {
        _process = Process.Start(new ProcessStartInfo(FindOnPath("redis-server")!, $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();

        // Ready when it answers PING; bounded, so a server that never starts fails the test instead of hanging it.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},abortConnect=true,connectTimeout=200");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Yield();
            }
        }
    }

    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, nothing is answered until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a paused server run again (SIGCONT); it then answers everything it received meanwhile.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>Kills the server and starts a new one on the same port, with none of the old one's data.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAsync();
    }

    /// <summary>Drops every ordinary client connection (CLIENT KILL TYPE normal); the clients reconnect on their own.</summary>
    /// <returns>The number of connections dropped.</returns>
    public async Task<long> DropClientsAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},allowAdmin=true,connectTimeout=1000");

        // SKIPME yes: the admin connection is a normal client too, and stays connected to read the answer.
        var result = await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        return (long)result;
    }

    private async Task SignalAsync(string signal)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
