using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace StandardHandlerDropIn;

/// <summary>
/// The configurations of <see cref="DocumentedConfigurations"/> on Microsoft's handler and, renamed, on this library's, against a real
/// Kestrel downstream: every behaviour asserted holds for both. The pipeline clock is a fake one taken from the services (as both
/// handlers do), advanced exactly when the pipeline waits: on a retry-delay timer of the expected length, or on a request that the
/// downstream holds without answering. So retry delays and timeouts are checked to the tick without real waiting.
/// </summary>
public sealed class StandardHandlerDropInTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TwoSeconds = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan JitteredSecond = TimeSpan.FromMilliseconds(750);
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    private readonly ObservedTimeProvider _time = new(Start);
    private readonly List<TimeSpan> _retryDelays = [];
    private readonly RequestArrivals _arrivals = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task TransientFaults_GetAnswered500_RetriedWithExponentialBackOffThenTheBreakerOpens(Handler handler)
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.InternalServerError);
        await using var services = Services(downstream, client => DocumentedConfigurations.AddTransientFaultHandling(client, handler, _retryDelays));
        using var client = Client(services);

        for (var operation = 0; operation < 2; operation++)
        {
            using var response = await SendAsync(() => client.GetAsync("/", Cancel), Timer(OneSecond), Timer(TwoSeconds));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("/", Cancel));
        Assert.Equal(6, downstream.Requests);
        Assert.Equal([OneSecond, TwoSeconds, OneSecond, TwoSeconds], _retryDelays);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task TransientFaults_CircuitOpened_RejectsForTheBreakDurationThenAProbeToTheHealedDownstreamClosesIt(Handler handler)
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.InternalServerError);
        await using var services = Services(downstream, client => DocumentedConfigurations.AddTransientFaultHandling(client, handler, _retryDelays));
        using var client = Client(services);
        for (var operation = 0; operation < 2; operation++)
        {
            using var failed = await SendAsync(() => client.GetAsync("/", Cancel), Timer(OneSecond), Timer(TwoSeconds));
        }

        downstream.Behaviour = (_, _) => HttpStatusCode.OK;
        _time.Fake.Advance(BreakDuration - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("/", Cancel));
        _time.Fake.Advance(TimeSpan.FromMilliseconds(1));
        using var probe = await client.GetAsync("/", Cancel);
        using var after = await client.GetAsync("/", Cancel);

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(6 + 2, downstream.Requests);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task TransientFaults_PostAnswered500_IsSentOnce(Handler handler)
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.InternalServerError);
        await using var services = Services(downstream, client => DocumentedConfigurations.AddTransientFaultHandling(client, handler, _retryDelays));
        using var client = Client(services);

        using var response = await client.PostAsync("/", new StringContent("order"), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, downstream.Requests);
        Assert.Empty(_retryDelays);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task TransientFaults_FirstAttemptGetsNoAnswer_AttemptTimeoutCutsItAndTheRetrySucceeds(Handler handler)
    {
        await using var downstream = await KestrelDownstream.StartAsync(Holding(n => n == 1));
        await using var services = Services(downstream, client => DocumentedConfigurations.AddTransientFaultHandling(client, handler, _retryDelays));
        using var client = Client(services);

        using var response = await SendAsync(() => client.GetAsync("/", Cancel), Held(1, AttemptTimeout), Timer(OneSecond));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, downstream.Requests);
        Assert.Equal(TimeSpan.FromSeconds(6), _time.GetUtcNow() - Start);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task TransientFaults_DownstreamNeverAnswers_TotalRequestTimeoutEndsTheRequestDuringItsSecondRetryDelay(Handler handler)
    {
        await using var downstream = await KestrelDownstream.StartAsync(Holding(_ => true));
        await using var services = Services(downstream, client => DocumentedConfigurations.AddTransientFaultHandling(client, handler, _retryDelays));
        using var client = Client(services);

        // 0-5 s first attempt, 5-6 s delay, 6-11 s second attempt, then a 2 s delay that the 12 s total timeout cuts short.
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => SendAsync(
            () => client.GetAsync("/", Cancel),
            Held(1, AttemptTimeout),
            Timer(OneSecond),
            Held(2, AttemptTimeout),
            Timer(TwoSeconds, advance: OneSecond)));

        Assert.Equal(2, downstream.Requests);
        Assert.Equal(TimeSpan.FromSeconds(12), _time.GetUtcNow() - Start);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task ChosenStatusCodes_404HandledByTheBreakerOnly_NotRetriedButCountedUntilTheCircuitOpens(Handler handler)
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.NotFound);
        await using var services = Services(downstream, client => DocumentedConfigurations.AddChosenStatusCodes(client, handler));
        using var client = Client(services);

        for (var operation = 0; operation < 4; operation++)
        {
            using var response = await client.GetAsync("/", Cancel);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("/", Cancel));
        Assert.Equal(4, downstream.Requests);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task ChosenStatusCodes_503HandledByTheRetry_RetriedAfterTheJitteredConstantDelayUntilSuccess(Handler handler)
    {
        await using var downstream = await KestrelDownstream.StartAsync((n, _) => n <= 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK);
        await using var services = Services(downstream, client => DocumentedConfigurations.AddChosenStatusCodes(client, handler));
        using var client = Client(services);

        using var response = await SendAsync(() => client.GetAsync("/", Cancel), Timer(JitteredSecond), Timer(JitteredSecond));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, downstream.Requests);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), _time.GetUtcNow() - Start);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task ChosenStatusCodes_PutAnswered503_IsSentOnce(Handler handler)
    {
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        await using var services = Services(downstream, client => DocumentedConfigurations.AddChosenStatusCodes(client, handler));
        using var client = Client(services);

        using var response = await client.PutAsync("/", new StringContent("stock"), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, downstream.Requests);
    }

    [Theory]
    [InlineData(Handler.Standard)]
    [InlineData(Handler.AttemptAware)]
    public async Task EveryOtherSetting_HealthyDownstream_ValidatesAndSendsTheRequestOnce(Handler handler)
    {
        var events = new List<string>();
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.OK);
        await using var services = Services(downstream, client => DocumentedConfigurations.AddEveryOtherSetting(client, handler, events));
        using var client = Client(services);

        using var response = await client.GetAsync("/", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, downstream.Requests);
        Assert.Empty(events);
    }

    // Where the two differ by design (README, "What still differs"): the attempt whose failure opens the circuit.
    [Fact]
    public async Task ChosenStatusCodes_AttemptThatOpensTheCircuit_StandardRetriesAfterItsDelayIntoTheRejection()
    {
        var (downstream, services, client) = await OpenedBySecondOperationAsync(Handler.Standard);
        await using (downstream)
        await using (services)
        using (client)
        {
            await Assert.ThrowsAsync<BrokenCircuitException>(() => SendAsync(() => client.GetAsync("/", Cancel), Timer(JitteredSecond)));

            Assert.Equal(4, downstream.Requests);
            Assert.Equal(TimeSpan.FromMilliseconds(2250), _time.GetUtcNow() - Start);
        }
    }

    [Fact]
    public async Task ChosenStatusCodes_AttemptThatOpensTheCircuit_AttemptAwareEndsTheOperationWithThatAttemptsAnswer()
    {
        var (downstream, services, client) = await OpenedBySecondOperationAsync(Handler.AttemptAware);
        await using (downstream)
        await using (services)
        using (client)
        {
            using var response = await client.GetAsync("/", Cancel);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(4, downstream.Requests);
            Assert.Equal(TimeSpan.FromMilliseconds(1500), _time.GetUtcNow() - Start);
        }
    }

    /// <summary>
    /// A downstream answering 503, and a first operation of three attempts (two jittered retries): the circuit (ratio 0.5 over at least
    /// 4 attempts) opens at the next attempt.
    /// </summary>
    private async Task<(KestrelDownstream Downstream, ClientServices Services, HttpClient Client)> OpenedBySecondOperationAsync(Handler handler)
    {
        var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        var services = Services(downstream, client => DocumentedConfigurations.AddChosenStatusCodes(client, handler));
        var client = Client(services);
        using var first = await SendAsync(() => client.GetAsync("/", Cancel), Timer(JitteredSecond), Timer(JitteredSecond));
        Assert.Equal(3, downstream.Requests);
        return (downstream, services, client);
    }

    private static HttpClient Client(ClientServices services) => services.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("inventory");

    private ClientServices Services(KestrelDownstream downstream, Action<IHttpClientBuilder> handler)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        handler(services.AddHttpClient("inventory", client => client.BaseAddress = downstream.BaseAddress));
        return new ClientServices(services.BuildServiceProvider(), _time.Fake);
    }

    /// <summary>A step on the pipeline clock: once the pipeline waits (the task <see cref="Waiting"/> returns completes), advance it.</summary>
    private readonly record struct Step(Func<Task> Waiting, TimeSpan Advance);

    /// <summary>The pipeline waits on a timer due in <paramref name="dueTime"/> (a retry delay); advance by that, or by <paramref name="advance"/>.</summary>
    private Step Timer(TimeSpan dueTime, TimeSpan? advance = null) => new(() => _time.TimerCreated(dueTime), advance ?? dueTime);

    /// <summary>Request <paramref name="n"/> is held by the downstream, its attempt timeout running; advance by <paramref name="advance"/>.</summary>
    private Step Held(int n, TimeSpan advance) => new(() => _arrivals.Of(n), advance);

    /// <summary>A downstream that holds the requests <paramref name="held"/> picks without answering and answers the others 200.</summary>
    private Func<int, HttpRequest, Answer> Holding(Func<int, bool> held) => (n, _) =>
    {
        _arrivals.Record(n);
        return held(n) ? Answer.NoAnswer : HttpStatusCode.OK;
    };

    /// <summary>
    /// Sends one request and walks the pipeline clock step by step; each step's wait is armed before the clock moves towards it.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, params Step[] steps)
    {
        var waiting = steps.Length > 0 ? steps[0].Waiting() : null;
        var sending = send();
        for (var i = 0; i < steps.Length; i++)
        {
            await waiting!.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
            waiting = i + 1 < steps.Length ? steps[i + 1].Waiting() : null;
            _time.Fake.Advance(steps[i].Advance);
        }

        return await sending.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
    }
}
