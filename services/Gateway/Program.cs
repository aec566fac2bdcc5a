var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseGatewayPipeline();
app.MapDefaultEndpoints();
app.MapGatewayApi();
app.MapReverseProxy();

app.Run();
