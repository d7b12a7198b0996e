import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Shell } from './Shell';
import { SessionProvider } from './session';

/**
 * antd's default blue links and grey placeholders are below WCAG AA contrast (4.1:1 and
 * 1.8:1 on white): darker ones, checked by the axe scans of test/e2e/admin-*.test.ts.
 */
const THEME = {
  colorPrimary: '#1554c0',
  colorLink: '#1554c0',
  colorInfo: '#1554c0',
  colorTextPlaceholder: '#707070',
  colorTextDescription: '#595959',
  colorTextTertiary: '#595959',
  colorTextQuaternary: '#707070',
};

const queries = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider theme={{ token: THEME }}>
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
