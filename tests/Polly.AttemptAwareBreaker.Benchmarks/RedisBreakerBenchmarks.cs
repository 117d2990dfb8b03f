using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Benchmarks;

/// <summary>
/// The closed-path success with the circuit shared through Redis against the same breaker kept local. Starts its own redis-server on a
/// free loopback port (install it with: sudo apt-get install redis-server).
/// </summary>
[MemoryDiagnoser]
public class RedisBreakerBenchmarks
{
    private Process? _server;
    private ConnectionMultiplexer? _redis;
    private ResiliencePipeline<int> _local = null!;
    private ResiliencePipeline<int> _shared = null!;

    [GlobalSetup]
    public void Setup()
    {
        var port = FreePort();
        _server = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start redis-server; install it with: sudo apt-get install redis-server.");
        _server.BeginOutputReadLine();
        _redis = Connect(port);

        _local = new ResiliencePipelineBuilder<int> { Name = "local" }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();
        _shared = new ResiliencePipelineBuilder<int> { Name = "shared" }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>().UseRedis(_redis))
            .Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _redis?.Dispose();
        _server?.Kill();
        _server?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Outcome<int> Local_Breaker() => Run(_local);

    [Benchmark]
    public Outcome<int> Redis_Breaker() => Run(_shared);

    private static Outcome<int> Run(ResiliencePipeline<int> pipeline)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            // The callback completes synchronously, so the outcome is ready.
            return pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), context, 42).Result;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static ConnectionMultiplexer Connect(int port)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return ConnectionMultiplexer.Connect($"127.0.0.1:{port},abortConnect=true,connectTimeout=200");
            }
            catch (RedisConnectionException) when (started.Elapsed < TimeSpan.FromSeconds(10))
            {
                // redis-server is still starting.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
