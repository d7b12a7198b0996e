import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Shell } from './Shell';
import { SessionProvider } from './session';

const queries = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* A darker primary than antd's default blue: white on it passes WCAG AA contrast. */}
    <ConfigProvider theme={{ token: { colorPrimary: '#1554c0', colorTextDescription: '#595959' } }}>
      <AntApp>
        <QueryClientProvider client={queries}>
          <SessionProvider>
            <Shell />
          </SessionProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
