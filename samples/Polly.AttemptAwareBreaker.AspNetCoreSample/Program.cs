using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.AspNetCoreSample;
using Polly.AttemptAwareBreaker.Telemetry;
using Polly.CircuitBreaker;

var builder = WebApplication.CreateBuilder(args);

// Every HttpClient of the app gets retry + attempt-aware breaker + timeouts, configured from appsettings.json, the way .NET Aspire's
// service defaults add AddStandardResilienceHandler (replacing that call with this one is the whole switch). Each client gets its own
// circuit, named after it ("InventoryClient-attempt-aware/…", "PricingClient-attempt-aware/…"): an inventory outage leaves pricing alone.
// A client that needs other settings calls .RemoveAllResilienceHandlers() and then its own .AddAttemptAwareResilienceHandler(...).
builder.Services.ConfigureHttpClientDefaults(http =>
    http.AddAttemptAwareResilienceHandler(builder.Configuration.GetSection("HttpClientDefaults:Resilience")));

builder.Services.AddHttpClient<InventoryClient>(client => client.BaseAddress = new Uri(builder.Configuration["Inventory:BaseAddress"]!));
builder.Services.AddHttpClient<PricingClient>(client => client.BaseAddress = new Uri(builder.Configuration["Pricing:BaseAddress"]!));

builder.Services.AddSingleton<FlakyDownstream>();
builder.Services.AddHealthChecks().AddAttemptAwareCircuitBreakerHealthCheck();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(AttemptAwareBreakerMetrics.MeterName, "Polly")
    .AddPrometheusExporter());

var app = builder.Build();

// The downstream.
app.MapGet("/flaky/stock/{sku}", (string sku, FlakyDownstream downstream) => downstream.Answer(sku));
app.MapPost("/flaky/outage", (bool on, FlakyDownstream downstream) =>
{
    downstream.Outage = on;
    return Results.Ok(new { outage = on });
});
app.MapGet("/prices/{sku}", (string sku) => Results.Ok(new { sku, price = 9.99m }));

// The service that depends on it.
app.MapGet("/inventory/{sku}", async (string sku, InventoryClient inventory, CancellationToken cancellationToken) =>
{
    try
    {
        return Results.Text(await inventory.GetStockAsync(sku, cancellationToken), "application/json");
    }
    catch (BrokenCircuitException rejected)
    {
        return Results.Problem($"Inventory is unavailable (circuit open, retry after {rejected.RetryAfter}).", statusCode: 503);
    }
    catch (HttpRequestException failed)
    {
        return Results.Problem($"Inventory failed: {failed.Message}", statusCode: 502);
    }
});
app.MapGet("/pricing/{sku}", async (string sku, PricingClient pricing, CancellationToken cancellationToken) =>
{
    try
    {
        return Results.Text(await pricing.GetPriceAsync(sku, cancellationToken), "application/json");
    }
    catch (BrokenCircuitException rejected)
    {
        return Results.Problem($"Pricing is unavailable (circuit open, retry after {rejected.RetryAfter}).", statusCode: 503);
    }
});

// Operating it: health with the breakers' state, an admin view of every breaker, isolate/close by name, metrics.
app.MapHealthChecks("/health", new HealthCheckOptions
{
    ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString(),
        checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, e.Value.Data }),
    }),
});
app.MapGet("/admin/breakers", (AttemptAwareCircuitBreakerRegistry registry, FlakyDownstream downstream) => Results.Ok(new
{
    downstreamRequests = downstream.Requests,
    breakers = registry.GetBreakers().Select(b => new
    {
        b.Name,
        state = b.Snapshot.State.ToString(),
        attempts = b.Snapshot.TotalAttempts.ToString(),
        operations = b.Snapshot.TotalOperations.ToString(),
        rejections = b.Snapshot.TotalRejections,
        retryAfter = b.Snapshot.RetryAfter,
    }),
}));
app.MapPost("/admin/breakers/isolate", async (string name, AttemptAwareCircuitBreakerRegistry registry) =>
{
    await registry.IsolateAsync(name);
    return Results.Ok(new { isolated = name });
});
app.MapPost("/admin/breakers/close", async (string name, AttemptAwareCircuitBreakerRegistry registry) =>
{
    await registry.CloseAsync(name);
    return Results.Ok(new { closed = name });
});
app.MapPost("/admin/breakers/close-all", async (AttemptAwareCircuitBreakerRegistry registry) =>
{
    await registry.CloseAllAsync();
    return Results.Ok(new { closed = registry.Names });
});
app.MapPrometheusScrapingEndpoint();

app.Run();
