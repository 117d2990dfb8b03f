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
